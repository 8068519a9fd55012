//! A real browser signs in through the form. Needs Debian's `chromium` and
//! `chromium-driver`; without them the test says so and passes, unless
//! `SRDI_REQUIRE_BROWSER=1` (set by `.ci/run`) makes it fail.

use srdi_board::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn browser_available() -> bool {
    let present =
        std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !present {
        let msg = "browser tests did NOT run: install chromium and chromium-driver (apt-get install chromium chromium-driver)";
        if std::env::var("SRDI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("{msg}");
        }
        eprintln!("{msg}");
    }
    present
}

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: std::process::Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // Ready when it says so on stdout (no guessing with sleeps).
        use std::io::BufRead;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let ready = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("started successfully"));
        assert!(ready, "chromedriver did not start");
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(driver: &Driver) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,900"]
        }),
    );
    fantoccini::ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("chromedriver session")
}

fn screenshot_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("test-output");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &fantoccini::Client, name: &str) -> Result<(), fantoccini::error::CmdError> {
    let png = c.screenshot().await?;
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    Ok(())
}

/// Waits for the success message of the page a form led to (the old page may still
/// show an earlier message, so wait for this one's text).
async fn flash(c: &fantoccini::Client, text: &str) -> Result<(), fantoccini::error::CmdError> {
    let xpath = format!("//div[contains(@class,'flash-success') and contains(., '{text}')]");
    c.wait()
        .for_element(fantoccini::Locator::XPath(&xpath))
        .await?;
    Ok(())
}

#[tokio::test]
async fn signs_in_through_the_real_form() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.user("browser.admin", Role::Admin);
    let driver = Driver::start();
    let c = connect(&driver).await;
    let result = async {
        use fantoccini::Locator;
        c.goto(&app.url("/")).await?;
        // Anonymous: sent to the sign-in page.
        assert!(c.current_url().await?.path().starts_with("/login"));
        c.find(Locator::Css("#username"))
            .await?
            .send_keys("browser.admin")
            .await?;
        c.find(Locator::Css("#password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        shot(&c, "login").await?;
        c.find(Locator::Css("form.stacked button[type=submit]"))
            .await?
            .click()
            .await?;
        // Wait for the home page itself (its stat cards), not the sign-in page's heading.
        c.wait().for_element(Locator::Css("main .grid")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert!(
            h1.contains("browser.admin display"),
            "home greets the user: {h1}"
        );
        assert_eq!(c.current_url().await?.path(), "/");
        shot(&c, "home-admin").await?;
        // One click to English.
        c.find(Locator::Css("button.lang")).await?.click().await?;
        c.wait()
            .for_element(Locator::Css("html[lang=en] nav.mainnav"))
            .await?;
        let nav = c.find(Locator::Css("nav.mainnav")).await?.text().await?;
        assert!(nav.contains("Administration"), "English navigation: {nav}");
        // The menus open without script: clicking the label focuses it and shows the
        // links, which are then clickable.
        let users = c
            .find(Locator::Css(".navmenu a[href='/admin/users']"))
            .await?;
        assert!(!users.is_displayed().await?, "menus start closed");
        c.find(Locator::XPath(
            "//button[@class='navgroup-label' and contains(., 'Administration')]",
        ))
        .await?
        .click()
        .await?;
        assert!(users.is_displayed().await?, "the menu opened");
        shot(&c, "nav-menu-en").await?;
        users.click().await?;
        c.wait()
            .for_element(Locator::Css(
                ".navgroup.active .navmenu a.active[href='/admin/users']",
            ))
            .await?;
        assert_eq!(c.current_url().await?.path(), "/admin/users");
        shot(&c, "users-en").await?;
        // Back to Chinese; a refused form keeps the input and says what to fix beside each field.
        c.find(Locator::Css("button.lang")).await?.click().await?;
        c.wait()
            .for_element(Locator::Css("html[lang=zh-CN] nav.mainnav"))
            .await?;
        c.goto(&app.url("/admin/users/new")).await?;
        c.find(Locator::Css("#username"))
            .await?
            .send_keys("x")
            .await?;
        c.find(Locator::Css("#display_name"))
            .await?
            .send_keys("测试 用户")
            .await?;
        c.find(Locator::Css("#role"))
            .await?
            .select_by_value("enterprise")
            .await?;
        c.find(Locator::Css("#enterprise"))
            .await?
            .send_keys("91370200163562681H")
            .await?;
        c.find(Locator::Css("form.stacked button[type=submit]"))
            .await?
            .click()
            .await?;
        let err = c
            .wait()
            .for_element(Locator::Css("#enterprise-error"))
            .await?
            .text()
            .await?;
        assert!(err.contains("GB 32100"), "{err}");
        let kept = c
            .find(Locator::Css("#display_name"))
            .await?
            .prop("value")
            .await?;
        assert_eq!(kept.as_deref(), Some("测试 用户"));
        shot(&c, "user-form-errors").await?;
        c.goto(&app.url("/audit")).await?;
        shot(&c, "audit").await?;
        c.goto(&app.url("/admin/sessions")).await?;
        shot(&c, "sessions").await?;
        // The same pages on a phone.
        c.set_window_size(390, 844).await?;
        c.goto(&app.url("/")).await?;
        shot(&c, "home-phone").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser steps");
}

#[tokio::test]
async fn staff_walk_from_a_new_record_to_its_rubric() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.user("browser.staff", Role::Staff);
    let driver = Driver::start();
    let c = connect(&driver).await;
    let code = srdi_board::domain::credit_code::CreditCode::complete("9137021288776655")
        .unwrap()
        .to_string();
    let result = async {
        use fantoccini::Locator;
        sign_in(&c, &app, "browser.staff").await?;
        // Create.
        c.goto(&app.url("/enterprises/new")).await?;
        c.find(Locator::Css("#name"))
            .await?
            .send_keys("青岛浏览器测试股份有限公司")
            .await?;
        c.find(Locator::Css("#credit_code"))
            .await?
            .send_keys(&code)
            .await?;
        c.find(Locator::Css("#company_type"))
            .await?
            .select_by_value("joint_stock")
            .await?;
        c.find(Locator::Css("#district_code"))
            .await?
            .select_by_value("370212")
            .await?;
        c.find(Locator::Css("#industry_section"))
            .await?
            .select_by_value("C")
            .await?;
        c.find(Locator::Css("#industry_division"))
            .await?
            .select_by_value("35")
            .await?;
        c.find(Locator::Css("#niche_since"))
            .await?
            .send_keys("2015")
            .await?;
        c.find(Locator::Css("input[name=has_shareholder_register]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("form.stacked button[type=submit]"))
            .await?
            .click()
            .await?;
        flash(&c, "已登记企业").await?;
        // Edit.
        c.find(Locator::LinkText("修改档案")).await?.click().await?;
        c.wait()
            .for_element(Locator::Css("#main_product"))
            .await?
            .send_keys("高压柱塞泵")
            .await?;
        c.find(Locator::Css("form.stacked button[type=submit]"))
            .await?
            .click()
            .await?;
        flash(&c, "企业档案已保存").await?;
        assert!(c.source().await?.contains("高压柱塞泵"));
        // Board move: enter at custody (the register is on file).
        c.find(Locator::Css("#board details summary"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#move-action"))
            .await?
            .select_by_value("enter")
            .await?;
        c.find(Locator::Css("#move-target"))
            .await?
            .select_by_value("custody")
            .await?;
        c.find(Locator::Css("#board form button[type=submit]"))
            .await?
            .click()
            .await?;
        flash(&c, "层级变动已登记").await?;
        let board = c.find(Locator::Css("#board")).await?.text().await?;
        assert!(board.contains("托管层"), "{board}");
        // Title.
        c.find(Locator::Css("#titles details summary"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#title-level"))
            .await?
            .select_by_value("provincial")
            .await?;
        c.find(Locator::Css("#title-batch"))
            .await?
            .send_keys("2025年第一批")
            .await?;
        // Date inputs take keystrokes in the browser's locale; set the value directly.
        c.execute(
            "document.getElementById('title-recognized').value = '2025-06-01';",
            vec![],
        )
        .await?;
        c.find(Locator::Css("#titles form button[type=submit]"))
            .await?
            .click()
            .await?;
        flash(&c, "资质认定已登记").await?;
        let titles = c.find(Locator::Css("#titles")).await?.text().await?;
        assert!(
            titles.contains("省级专精特新") && titles.contains("2028-06-01"),
            "{titles}"
        );
        // Annual data, then the rubric view.
        c.find(Locator::LinkText("录入年度数据"))
            .await?
            .click()
            .await?;
        let year = c.wait().for_element(Locator::Css("#year")).await?;
        year.clear().await?;
        year.send_keys("2025").await?;
        for (id, v) in [
            ("revenue", "12000"),
            ("main_business_revenue", "10800"),
            ("rd_expense", "780"),
            ("total_assets", "15000"),
            ("total_liabilities", "6000"),
            ("net_profit", "1300"),
            ("employees", "260"),
            ("rd_staff", "60"),
            ("ip_class1", "6"),
        ] {
            c.find(Locator::Id(id)).await?.send_keys(v).await?;
        }
        c.find(Locator::Css("form.stacked button[type=submit]"))
            .await?
            .click()
            .await?;
        flash(&c, "年度数据已保存").await?;
        shot(&c, "enterprise-page").await?;
        c.find(Locator::LinkText("评价标准测评"))
            .await?
            .click()
            .await?;
        let verdict = c
            .wait()
            .for_element(Locator::Css(".verdict"))
            .await?
            .text()
            .await?;
        assert!(!verdict.is_empty());
        shot(&c, "rubric").await?;
        // What if R&D were higher: the panel recomputes without saving.
        c.find(Locator::Id("w-rd_expense"))
            .await?
            .send_keys("1500")
            .await?;
        c.find(Locator::Css("#what-if button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("what-if-total")).await?;
        shot(&c, "rubric-what-if").await?;
        c.goto(&app.url("/enterprises")).await?;
        shot(&c, "enterprise-list").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser walk");
}

async fn sign_in(
    c: &fantoccini::Client,
    app: &TestApp,
    username: &str,
) -> Result<(), fantoccini::error::CmdError> {
    sign_in_with(c, app, username, PASSWORD).await
}

async fn sign_in_with(
    c: &fantoccini::Client,
    app: &TestApp,
    username: &str,
    password: &str,
) -> Result<(), fantoccini::error::CmdError> {
    use fantoccini::Locator;
    c.goto(&app.url("/login")).await?;
    c.find(Locator::Css("#username"))
        .await?
        .send_keys(username)
        .await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(password)
        .await?;
    c.find(Locator::Css("form.stacked button[type=submit]"))
        .await?
        .click()
        .await?;
    c.wait().for_element(Locator::Css("main .grid")).await?;
    Ok(())
}

/// The funnel table's count for a stage on the pipeline page.
async fn funnel_count(
    c: &fantoccini::Client,
    stage: &str,
) -> Result<String, fantoccini::error::CmdError> {
    use fantoccini::Locator;
    let xpath =
        format!("//section[@id='funnel']//tr[th/a[contains(@href,'stage={stage}&')]]/td[1]");
    c.find(Locator::XPath(&xpath)).await?.text().await
}

#[tokio::test]
async fn staff_propose_an_official_approves_and_the_funnel_follows() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.user("browser.staff", Role::Staff);
    app.user("browser.official", Role::Official);
    let e = app.enterprise("9137021266554433", "青岛浏览器培育股份有限公司", "370212");
    // At potential with a title in force and the intention confirmed: reserve's
    // checklist is complete.
    let today = chrono::Utc::now().date_naive();
    app.sql(&format!(
        "UPDATE enterprises SET cultivation_step = 'potential', cultivation_stage = 'potential', \
         stage_since = '{today}', step_since = '{today}', queue_order = 1, current_level = 'provincial' \
         WHERE id = {}",
        e.id
    ));
    app.sql(&format!(
        "INSERT INTO gate_ticks (enterprise_id, item_key, evidence, document_ref, ticked_at) \
         VALUES ({}, 'reserve.willing', '董事会决议', 'QD-1', '{today} 09:00:00')",
        e.id
    ));
    let driver = Driver::start();
    let staff = connect(&driver).await;
    let official = connect(&driver).await;
    let result = async {
        use fantoccini::Locator;
        // Staff propose the move from the enterprise's cultivation page.
        sign_in(&staff, &app, "browser.staff").await?;
        staff
            .goto(&app.url(&format!("/enterprises/{}/cultivation", e.id)))
            .await?;
        staff
            .find(Locator::Css("#propose-comment"))
            .await?
            .send_keys("条件齐备，建议纳入后备库")
            .await?;
        shot(&staff, "cultivation-propose").await?;
        staff
            .find(Locator::Css("#propose-form button[type=submit]"))
            .await?
            .click()
            .await?;
        flash(&staff, "提议已提交").await?;
        // The official sees the funnel before, decides, and sees it after.
        sign_in(&official, &app, "browser.official").await?;
        official.goto(&app.url("/pipeline")).await?;
        assert_eq!(funnel_count(&official, "reserve").await?, "0");
        assert_eq!(funnel_count(&official, "potential").await?, "1");
        official.goto(&app.url("/proposals")).await?;
        official
            .find(Locator::LinkText("青岛浏览器培育股份有限公司"))
            .await?;
        official
            .find(Locator::XPath("//table//a[starts-with(., '#')]"))
            .await?
            .click()
            .await?;
        official
            .wait()
            .for_element(Locator::Css("#decision-comment"))
            .await?
            .send_keys("同意纳入")
            .await?;
        shot(&official, "proposal-decide").await?;
        official
            .find(Locator::Css("button[name=decision][value=approve]"))
            .await?
            .click()
            .await?;
        flash(&official, "已批准").await?;
        official.goto(&app.url("/pipeline")).await?;
        assert_eq!(funnel_count(&official, "reserve").await?, "1");
        assert_eq!(funnel_count(&official, "potential").await?, "0");
        let funnel = official
            .find(Locator::Css("#funnel svg.chart-funnel"))
            .await?
            .html(false)
            .await?;
        assert!(funnel.contains("后备"), "the chart names the stages");
        shot(&official, "pipeline").await?;
        // Staff see the new stage on the enterprise's page.
        staff
            .goto(&app.url(&format!("/enterprises/{}/cultivation", e.id)))
            .await?;
        let current = staff
            .find(Locator::Css("ol.steps li.current"))
            .await?
            .text()
            .await?;
        assert!(current.contains("后备"), "{current}");
        shot(&staff, "cultivation-after").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = staff.close().await;
    let _ = official.close().await;
    result.expect("browser walk");
}

#[tokio::test]
async fn an_official_opens_the_index_panel_and_the_radar_renders() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn().await;
    app.user("browser.official", Role::Official);
    let [a, _, _] = crate::index::scored(&app);
    let driver = Driver::start();
    let c = connect(&driver).await;
    let result = async {
        use fantoccini::Locator;
        sign_in(&c, &app, "browser.official").await?;
        // From the record page's panel to the full index page.
        c.goto(&app.url(&format!("/enterprises/{a}"))).await?;
        c.find(Locator::Css("#index-panel #index-radar svg")).await?;
        c.find(Locator::Css("#index a[href$='/index']"))
            .await?
            .click()
            .await?;
        let radar = c
            .wait()
            .for_element(Locator::Css("#index-radar svg"))
            .await?;
        // Laid out at a real size, with both series drawn as areas.
        let size = c
            .execute(
                "const r = document.querySelector('#index-radar svg').getBoundingClientRect(); \
                 return [r.width, r.height, document.querySelectorAll('#index-radar svg polygon.chart-area').length];",
                vec![],
            )
            .await?;
        let size: Vec<f64> = serde_json::from_value(size).expect("numbers");
        assert!(size[0] > 200.0 && size[1] > 200.0, "radar laid out at {size:?}");
        assert_eq!(size[2], 2.0, "own scores and the peer median");
        let svg = radar.html(false).await?;
        assert!(svg.contains("专业化") && svg.contains("创新"), "axes named");
        c.find(Locator::Css("#index-trend svg")).await?;
        shot(&c, "index-enterprise").await?;
        c.goto(&app.url("/index")).await?;
        c.find(Locator::Css("#leaders")).await?;
        shot(&c, "index-overview").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("browser walk");
}

/// A screenshot of the whole page (the window grown to its height, then restored).
async fn full_shot(c: &fantoccini::Client, name: &str) -> Result<(), fantoccini::error::CmdError> {
    let h = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await?
        .as_u64()
        .unwrap_or(900);
    c.set_window_size(1280, (h as u32 + 120).min(8000)).await?;
    shot(c, name).await?;
    c.set_window_size(1280, 900).await
}

/// The count badge of the dashboard card `id`.
async fn badge(c: &fantoccini::Client, id: &str) -> Result<i64, fantoccini::error::CmdError> {
    let text = c
        .find(fantoccini::Locator::Css(&format!("#{id} .stat-inline")))
        .await?
        .text()
        .await?;
    Ok(text
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{id}: {text}")))
}

/// The laid-out width of the first element matching `css` (0 when absent).
async fn drawn_width(
    c: &fantoccini::Client,
    css: &str,
) -> Result<f64, fantoccini::error::CmdError> {
    let w = c
        .execute(
            "const e = document.querySelector(arguments[0]); \
             return e ? e.getBoundingClientRect().width : 0;",
            vec![serde_json::json!(css)],
        )
        .await?;
    Ok(w.as_f64().unwrap_or(0.0))
}

async fn sign_out(c: &fantoccini::Client) -> Result<(), fantoccini::error::CmdError> {
    use fantoccini::Locator;
    c.find(Locator::Css("form[action='/logout'] button"))
        .await?
        .click()
        .await?;
    c.wait().for_element(Locator::Css("#username")).await?;
    Ok(())
}

#[tokio::test]
async fn every_role_finds_its_dashboard_filled_by_the_demo() {
    if !browser_available() {
        return;
    }
    use fantoccini::Locator;
    let app = TestApp::spawn().await;
    let loaded = srdi_board::demo::load_with(&app.db, &Default::default()).expect("demo");
    let password = |username: &str| {
        loaded
            .accounts
            .iter()
            .find(|a| a.username == username)
            .map(|a| a.password)
            .expect(username)
    };
    let driver = Driver::start();
    let c = connect(&driver).await;
    let result = async {
        // Staff: every work card has something in it.
        sign_in_with(&c, &app, "staff", password("staff")).await?;
        for id in [
            "dash-tasks",
            "dash-submissions",
            "dash-returned",
            "dash-expiring",
            "dash-needs",
        ] {
            assert!(badge(&c, id).await? > 0, "staff card {id} is empty");
        }
        full_shot(&c, "dashboard-staff").await?;
        sign_out(&c).await?;

        // An official: charts laid out, every block there, one click to the report.
        sign_in_with(&c, &app, "official", password("official")).await?;
        for css in [
            "#dash-tiers svg",
            "#dash-levels svg",
            "#dash-stages svg",
            "#dash-districts svg",
            "#dash-funnel svg",
            "#dash-targets svg",
        ] {
            let w = drawn_width(&c, css).await?;
            assert!(w > 200.0, "{css} is drawn ({w} px)");
        }
        let rows = c
            .find_all(Locator::Css("#dash-industries tbody tr"))
            .await?
            .len();
        assert!(rows >= 3, "industries listed: {rows}");
        for id in ["dash-index", "dash-financing", "dash-stalled"] {
            let v = c
                .find(Locator::Css(&format!("#{id} .stat-value")))
                .await?
                .text()
                .await?;
            assert!(v.chars().any(|ch| ch.is_ascii_digit()), "{id}: {v}");
        }
        full_shot(&c, "dashboard-official").await?;
        c.find(Locator::Id("dash-report")).await?.click().await?;
        c.wait().for_element(Locator::Id("report-summary")).await?;
        let h1 = c.find(Locator::Css("main h1")).await?.text().await?;
        assert!(h1.contains("季度报告"), "{h1}");
        assert!(drawn_width(&c, "#report-tiers svg").await? > 200.0);
        full_shot(&c, "report-quarterly").await?;
        // It prints to a PDF of a few A4 pages.
        let pdf = c
            .print(
                fantoccini::wd::PrintConfiguration::builder()
                    .size(fantoccini::wd::PrintSize::A4)
                    .build()
                    .expect("print settings"),
            )
            .await?;
        assert!(pdf.starts_with(b"%PDF"), "a PDF");
        std::fs::write(screenshot_dir().join("report-quarterly.pdf"), &pdf).unwrap();
        let pages = pdf
            .windows(12)
            .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
            .count();
        assert!((2..=12).contains(&pages), "{pages} pages");
        sign_out(&c).await?;

        // The enterprise account: its own status, index and services.
        sign_in_with(&c, &app, "enterprise", password("enterprise")).await?;
        let status = c.find(Locator::Id("dash-status")).await?.text().await?;
        assert!(status.contains("省级专精特新"), "{status}");
        assert!(drawn_width(&c, "#dash-own-index svg").await? > 150.0);
        assert!(badge(&c, "dash-training").await? > 0);
        full_shot(&c, "dashboard-enterprise").await?;
        sign_out(&c).await?;

        // The admin: the accounts, and the officials' blocks.
        sign_in_with(&c, &app, "admin", password("admin")).await?;
        let accounts = c
            .find(Locator::Css("#home-accounts a[href='/admin/users']"))
            .await?;
        assert!(accounts.is_displayed().await?);
        assert!(drawn_width(&c, "#dash-tiers svg").await? > 200.0);
        full_shot(&c, "dashboard-admin").await?;
        sign_out(&c).await?;

        // An expert: the scoring tasks are one link away.
        sign_in_with(&c, &app, "expert", password("expert")).await?;
        assert!(
            c.find_all(Locator::Css("[id^='dash-tiers']"))
                .await?
                .is_empty()
        );
        c.find(Locator::Css("nav a[href='/index/expert']"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Css("main table")).await?;
        shot(&c, "expert-tasks").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    result.expect("dashboards walk");
}
