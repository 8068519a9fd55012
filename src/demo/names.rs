//! Vocabularies of the demo data: Qingdao's districts, the industries SRDI enterprises
//! are found in (GB/T 4754 divisions) with their niche markets and products, name
//! parts, people's names and the institutions that appear in records.
//!
//! Everything here is made up but shaped like the real thing; no entry names a real
//! company or person, except the partner institutions, which carry the names of
//! well-known national firms' Qingdao offices and of Qingdao banks (their contacts are
//! made up).

use crate::domain::cultivation::{ExitKind, Milestone, Step};

/// A Qingdao district (GB/T 2260) and how many of the demo enterprises it gets
/// (relative weight: the high-tech zones and the West Coast New Area have the most).
pub struct District {
    pub code: &'static str,
    /// The place name some local companies put before their brand ("胶州…有限公司").
    pub place: &'static str,
    pub weight: u32,
}

/// The ten districts of Qingdao, with weights.
#[rustfmt::skip] // one district per row reads as a table
pub const DISTRICTS: &[District] = &[
    District { code: "370202", place: "青岛", weight: 6 },
    District { code: "370203", place: "青岛", weight: 8 },
    District { code: "370211", place: "青岛", weight: 20 },
    District { code: "370212", place: "青岛", weight: 17 },
    District { code: "370213", place: "青岛", weight: 6 },
    District { code: "370214", place: "青岛", weight: 14 },
    District { code: "370215", place: "即墨", weight: 12 },
    District { code: "370281", place: "胶州", weight: 9 },
    District { code: "370283", place: "平度", weight: 5 },
    District { code: "370285", place: "莱西", weight: 4 },
];

/// An industry (GB/T 4754 division) with what its companies are called and make.
pub struct Industry {
    pub section: &'static str,
    pub division: &'static str,
    pub weight: u32,
    /// The middle of a company name after the brand ("液压科技").
    pub stems: &'static [&'static str],
    /// (niche market, main product).
    pub niches: &'static [(&'static str, &'static str)],
    /// How likely the main product is in the strategic emerging industries catalogue.
    pub emerging: f64,
}

/// The industries of the demo, mostly manufacturing (section C) plus software and
/// technical services; weights follow Qingdao's industrial mix.
pub const INDUSTRIES: &[Industry] = &[
    Industry {
        section: "C",
        division: "26",
        weight: 6,
        stems: &["新材料", "化工科技", "精细化工", "涂料科技", "功能材料"],
        niches: &[
            ("海洋重防腐涂料", "船舶防污漆、重防腐环氧涂料"),
            ("电子级湿化学品", "高纯电子级氢氟酸"),
            ("工业水处理药剂", "反渗透阻垢剂"),
            ("高性能胶粘剂", "结构胶、密封胶"),
            ("锂电池电解液添加剂", "碳酸亚乙烯酯"),
            ("海藻生物肥料", "海藻酸水溶肥"),
        ],
        emerging: 0.6,
    },
    Industry {
        section: "C",
        division: "27",
        weight: 7,
        stems: &["生物医药", "生物科技", "药业", "海洋生物", "医药科技"],
        niches: &[
            ("海洋生物医药", "褐藻多糖硫酸酯原料药"),
            ("体外诊断试剂", "化学发光检测试剂盒"),
            ("动物疫苗", "禽流感灭活疫苗"),
            ("医用透明质酸", "医用级透明质酸钠"),
            ("缓控释制剂", "盐酸二甲双胍缓释片"),
            ("海洋功能糖", "壳寡糖原料"),
        ],
        emerging: 0.8,
    },
    Industry {
        section: "C",
        division: "29",
        weight: 7,
        stems: &["橡胶科技", "高分子材料", "橡塑科技", "轮胎科技"],
        niches: &[
            ("特种工程轮胎", "巨型工程子午线轮胎"),
            ("橡胶助剂", "高热稳定性不溶性硫磺"),
            ("液压密封制品", "聚氨酯液压密封件"),
            ("输送带", "钢丝绳芯输送带"),
            ("改性工程塑料", "汽车用改性聚丙烯专用料"),
            ("轨道车辆减振制品", "橡胶金属减振元件"),
        ],
        emerging: 0.4,
    },
    Industry {
        section: "C",
        division: "33",
        weight: 5,
        stems: &["金属科技", "精密制造", "钢结构", "五金科技"],
        niches: &[
            ("港口机械钢结构", "岸桥大梁结构件"),
            ("精密铸件", "熔模精密铸件"),
            ("高强度紧固件", "风电塔筒高强度螺栓"),
            ("金属表面处理", "达克罗涂覆件"),
        ],
        emerging: 0.3,
    },
    Industry {
        section: "C",
        division: "34",
        weight: 12,
        stems: &[
            "精密机械",
            "液压科技",
            "智能装备",
            "数控科技",
            "传动科技",
            "流体科技",
        ],
        niches: &[
            ("高端液压元件", "高压柱塞泵、多路换向阀"),
            ("精密减速器", "工业机器人RV减速器"),
            ("数控机床功能部件", "数控回转工作台"),
            ("工业泵阀", "高效节能离心泵"),
            ("精密轴承", "高速精密主轴轴承"),
            ("工业制冷设备", "二氧化碳复叠式制冷机组"),
            ("气动元件", "智能气动执行器"),
        ],
        emerging: 0.6,
    },
    Industry {
        section: "C",
        division: "35",
        weight: 12,
        stems: &["智能装备", "机械科技", "自动化", "装备科技", "机械制造"],
        niches: &[
            ("轮胎成型装备", "全钢子午线轮胎一次法成型机"),
            ("食品饮料包装装备", "啤酒灌装生产线"),
            ("海洋工程装备", "作业级水下机器人"),
            ("纺织机械", "高速喷气织机"),
            ("环保设备", "工业废气处理设备"),
            ("医疗器械", "电子胃肠内窥镜"),
            ("农业机械", "自走式花生联合收获机"),
            ("锂电池生产设备", "锂电池极片涂布机"),
        ],
        emerging: 0.65,
    },
    Industry {
        section: "C",
        division: "36",
        weight: 5,
        stems: &["汽车零部件", "汽车科技", "车辆科技"],
        niches: &[
            ("新能源汽车电驱系统", "扁线驱动电机"),
            ("汽车热管理", "电子膨胀阀"),
            ("冷链专用车", "冷藏运输车"),
            ("汽车轻量化部件", "铝合金副车架"),
        ],
        emerging: 0.6,
    },
    Industry {
        section: "C",
        division: "37",
        weight: 6,
        stems: &["轨道交通", "船舶科技", "海洋装备", "轨道科技", "航空科技"],
        niches: &[
            ("轨道交通车辆配套", "高速列车牵引变流器"),
            ("轨道车辆内饰", "阻燃复合材料内饰板"),
            ("船舶配套", "船用压载水处理系统"),
            ("游艇制造", "玻璃钢休闲游艇"),
            ("工业无人机", "多旋翼巡检无人机"),
        ],
        emerging: 0.75,
    },
    Industry {
        section: "C",
        division: "38",
        weight: 10,
        stems: &["电气", "电力科技", "新能源", "智能电气", "电器科技"],
        niches: &[
            ("智能家电控制器", "变频空调控制板"),
            ("充换电设备", "直流充电模块"),
            ("电化学储能", "储能变流器"),
            ("特种电机", "高效永磁同步电机"),
            ("光伏逆变器", "组串式光伏逆变器"),
            ("海洋特种电缆", "海洋工程用动态缆"),
        ],
        emerging: 0.7,
    },
    Industry {
        section: "C",
        division: "39",
        weight: 12,
        stems: &["电子", "微电子", "光电科技", "智能科技", "信息科技"],
        niches: &[
            ("功率半导体封装", "IGBT功率模块"),
            ("声学元器件", "MEMS麦克风"),
            ("激光显示", "激光投影光机"),
            ("物联网通信模组", "NB-IoT通信模组"),
            ("机器视觉", "高速线阵工业相机"),
            ("高频印制电路板", "高频高速多层PCB"),
            ("工业智能终端", "三防工业平板电脑"),
        ],
        emerging: 0.8,
    },
    Industry {
        section: "C",
        division: "40",
        weight: 6,
        stems: &["仪器", "仪表科技", "检测科技", "海洋仪器", "传感技术"],
        niches: &[
            ("海洋观测仪器", "多参数水质监测仪"),
            ("智能燃气表", "物联网燃气表"),
            ("分析仪器", "在线气相色谱仪"),
            ("工业传感器", "智能压力变送器"),
            ("无损检测设备", "相控阵超声探伤仪"),
        ],
        emerging: 0.75,
    },
    Industry {
        section: "I",
        division: "64",
        weight: 3,
        stems: &["网络科技", "互联网科技", "数据科技"],
        niches: &[
            ("工业互联网平台", "工业互联网平台服务"),
            ("跨境电商服务", "跨境供应链服务平台"),
            ("设备远程运维", "设备远程运维云平台"),
        ],
        emerging: 0.7,
    },
    Industry {
        section: "I",
        division: "65",
        weight: 8,
        stems: &["软件", "信息技术", "数字科技", "智能科技", "网络科技"],
        niches: &[
            ("工业软件", "MES制造执行系统"),
            ("智慧港口软件", "集装箱码头操作系统"),
            ("智慧交通", "城市交通信号控制系统"),
            ("工控信息安全", "工控安全网关"),
            ("医疗信息化", "电子病历系统"),
            ("数字孪生", "工厂数字孪生平台"),
            ("人工智能视觉检测", "AI外观质检系统"),
        ],
        emerging: 0.8,
    },
    Industry {
        section: "M",
        division: "73",
        weight: 3,
        stems: &["生物技术", "研究院", "技术研究"],
        niches: &[
            ("海洋生物技术研发", "海洋微生物菌种"),
            ("新材料中试", "材料研发中试服务"),
            ("合成生物", "工业生物酶制剂"),
        ],
        emerging: 0.8,
    },
    Industry {
        section: "M",
        division: "74",
        weight: 3,
        stems: &["检测技术", "工程技术", "测绘科技", "设计"],
        niches: &[
            ("第三方检测", "材料与产品检测服务"),
            ("海洋测绘", "海洋测绘服务"),
            ("工业设计", "工业设计服务"),
            ("环境监测", "环境监测服务"),
        ],
        emerging: 0.4,
    },
    Industry {
        section: "M",
        division: "75",
        weight: 2,
        stems: &["科技服务", "技术转移", "节能科技"],
        niches: &[
            ("合同能源管理", "工业节能改造服务"),
            ("技术转移服务", "科技成果转化服务"),
            ("海水淡化技术", "海水淡化技术服务"),
        ],
        emerging: 0.5,
    },
];

/// First characters of brand names, with their pinyin (for e-mail domains).
#[rustfmt::skip]
pub const BRAND_FIRST: &[(&str, &str)] = &[
    ("海", "hai"), ("蓝", "lan"), ("华", "hua"), ("瑞", "rui"), ("恒", "heng"),
    ("鼎", "ding"), ("信", "xin"), ("创", "chuang"), ("金", "jin"), ("博", "bo"),
    ("天", "tian"), ("德", "de"), ("嘉", "jia"), ("康", "kang"), ("宏", "hong"),
    ("泰", "tai"), ("明", "ming"), ("盛", "sheng"), ("远", "yuan"), ("正", "zheng"),
    ("安", "an"), ("力", "li"), ("晟", "sheng"), ("众", "zhong"), ("卓", "zhuo"),
    ("东", "dong"), ("思", "si"), ("优", "you"), ("联", "lian"), ("普", "pu"),
    ("佳", "jia"), ("益", "yi"), ("丰", "feng"), ("汇", "hui"), ("昌", "chang"),
    ("港", "gang"), ("崂", "lao"), ("琴", "qin"), ("伟", "wei"), ("奥", "ao"),
    ("捷", "jie"), ("百", "bai"), ("万", "wan"), ("立", "li"), ("达", "da"),
    ("兴", "xing"), ("源", "yuan"), ("科", "ke"), ("智", "zhi"), ("润", "run"),
    ("新", "xin"), ("鑫", "xin"), ("永", "yong"), ("怡", "yi"), ("中", "zhong"),
    ("同", "tong"), ("凯", "kai"), ("盈", "ying"), ("诺", "nuo"), ("启", "qi"),
];

/// Second (and third) characters of brand names, with their pinyin.
#[rustfmt::skip]
pub const BRAND_SECOND: &[(&str, &str)] = &[
    ("纳", "na"), ("川", "chuan"), ("通", "tong"), ("达", "da"), ("森", "sen"),
    ("源", "yuan"), ("泰", "tai"), ("信", "xin"), ("航", "hang"), ("晟", "sheng"),
    ("威", "wei"), ("拓", "tuo"), ("宇", "yu"), ("博", "bo"), ("康", "kang"),
    ("海", "hai"), ("帆", "fan"), ("瑞", "rui"), ("特", "te"), ("光", "guang"),
    ("锐", "rui"), ("腾", "teng"), ("恒", "heng"), ("盛", "sheng"), ("联", "lian"),
    ("力", "li"), ("德", "de"), ("元", "yuan"), ("丰", "feng"), ("华", "hua"),
    ("利", "li"), ("科", "ke"), ("鸿", "hong"), ("峰", "feng"), ("润", "run"),
    ("洋", "yang"), ("湾", "wan"), ("岳", "yue"), ("邦", "bang"), ("阳", "yang"),
    ("朗", "lang"), ("尔", "er"), ("诚", "cheng"), ("创", "chuang"), ("维", "wei"),
    ("星", "xing"), ("迈", "mai"), ("驰", "chi"), ("捷", "jie"), ("图", "tu"),
];

/// Common surnames, most frequent first (picked with a bias to the front).
#[rustfmt::skip]
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程",
    "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁",
    "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范",
    "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛",
    "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "隋", "宫", "臧", "逄",
];

/// Characters of given names.
#[rustfmt::skip]
pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
    "超", "秀", "霞", "平", "刚", "建", "国", "华", "海", "东", "志", "文", "斌", "波", "宁",
    "辉", "鹏", "晓", "红", "玉", "兰", "俊", "峰", "庆", "春", "雪", "梅", "林", "成", "龙",
    "健", "亮", "琳", "欣", "宇", "浩", "凯", "晨", "阳", "鑫", "婷", "慧", "颖", "倩", "振",
];

/// Local parts of contact e-mail addresses.
pub const MAILBOXES: &[&str] = &["office", "ir", "contact", "info", "service", "zqb", "hr"];

/// Institutions that recommend enterprises for listing (securities firms and banks).
pub const RECOMMENDERS: &[&str] = &[
    "中信证券",
    "国泰君安",
    "中泰证券",
    "华泰证券",
    "招商证券",
    "国信证券",
    "东吴证券",
    "申万宏源",
    "青岛银行",
    "青岛农商银行",
    "恒丰银行",
    "齐鲁银行",
];

/// Other boards of the equity center that enterprises transfer in from (转板).
pub const SOURCE_BOARDS: &[&str] = &["成长板", "科创板（区域）", "青创板", "孵化板"];

/// Reasons for moves on the board.
pub const REASONS_TO_CUSTODY: &[&str] = &["提交股东名册，办理股权登记托管", "完成股权登记托管手续"];
pub const REASONS_TO_LISTING: &[&str] = &[
    "完成股份制改造，经推荐机构推荐挂牌",
    "符合挂牌条件，申请转入挂牌层",
];
pub const REASONS_DOWN: &[&str] = &["未按期披露年度信息，调整至展示层", "股权托管协议到期未续签"];
pub const REASONS_EXIT: &[&str] = &[
    "企业主动申请退出",
    "企业被并购重组",
    "注册地迁出青岛市",
    "在北京证券交易所上市，退出专板",
];

/// Reasons a title was revoked (fraud or a serious incident).
pub const REVOKE_REASONS: &[&str] = &[
    "申报材料弄虚作假，撤销认定",
    "发生重大安全生产事故",
    "被列入严重失信主体名单",
];

/// The note of the opening-day entries.
pub const OPENING_NOTE: &str = "专精特新专板开板首批入板企业";

/// A partner institution of the equity center (a row of `partners`).
pub struct Partner {
    pub name: &'static str,
    /// The `partners.kind` key: `securities_firm`, `accounting_firm`, `law_firm`,
    /// `bank`, `investor` or `research_institute`.
    pub kind: &'static str,
    pub contact_name: &'static str,
    pub contact_phone: &'static str,
    pub contact_email: &'static str,
    /// Its service plan for SRDI enterprises.
    pub note: &'static str,
}

const fn partner(
    name: &'static str,
    kind: &'static str,
    contact_name: &'static str,
    contact_phone: &'static str,
    contact_email: &'static str,
    note: &'static str,
) -> Partner {
    Partner {
        name,
        kind,
        contact_name,
        contact_phone,
        contact_email,
        note,
    }
}

/// The strategic partner institutions: sponsors, auditors, law firms, banks,
/// investors and research institutes.
#[rustfmt::skip] // one institution per row reads as a table
pub const PARTNERS: &[Partner] = &[
    partner("中信证券股份有限公司青岛分公司", "securities_firm", "韩志刚", "0532-85022311", "qd-ibd@citics.example.cn", "专精特新企业上市培育：免费上市路径诊断、规范辅导"),
    partner("国泰君安证券股份有限公司青岛分公司", "securities_firm", "于洪涛", "0532-85716620", "qingdao@gtja.example.cn", "北交所、创业板上市服务专班"),
    partner("中泰证券股份有限公司青岛分公司", "securities_firm", "孙晓东", "0532-85963107", "ibd-qd@zts.example.cn", "山东区域专精特新企业全周期投行服务"),
    partner("华泰证券股份有限公司青岛分公司", "securities_firm", "刘倩", "0532-66889021", "qd@htsc.example.cn", "科创板、创业板保荐与并购服务"),
    partner("招商证券股份有限公司青岛分公司", "securities_firm", "王振宇", "0532-80997315", "qingdao@cmschina.example.cn", "新三板挂牌及北交所上市一体化服务"),
    partner("国信证券股份有限公司青岛分公司", "securities_firm", "周婷", "0532-83896512", "qd-tb@guosen.example.cn", "上市后备企业培训与投融资对接"),
    partner("东吴证券股份有限公司青岛分公司", "securities_firm", "陈凯", "0532-58729833", "qd@dwzq.example.cn", "北交所上市培育专项服务"),
    partner("申万宏源证券有限公司青岛分公司", "securities_firm", "高敏", "0532-86678902", "qd-ib@swhysc.example.cn", "股改规范与上市辅导服务"),
    partner("立信会计师事务所（特殊普通合伙）山东分所", "accounting_firm", "赵建华", "0532-82792610", "qd@bdo-lixin.example.cn", "股改审计、内控规范与财务诊断"),
    partner("天职国际会计师事务所（特殊普通合伙）青岛分所", "accounting_firm", "李静", "0532-68652277", "qingdao@tzi.example.cn", "IPO 申报审计与税务合规"),
    partner("容诚会计师事务所（特殊普通合伙）青岛分所", "accounting_firm", "张磊", "0532-80901536", "qd@rsm-rc.example.cn", "专精特新企业财务规范辅导"),
    partner("信永中和会计师事务所（特殊普通合伙）青岛分所", "accounting_firm", "徐丽", "0532-85921046", "qingdao@shinewing.example.cn", "IPO 审计与研发费用专项鉴证"),
    partner("中兴华会计师事务所（特殊普通合伙）青岛分所", "accounting_firm", "马超", "0532-83076651", "qd@zxh.example.cn", "股改审计与资产评估协同"),
    partner("和信会计师事务所（特殊普通合伙）青岛分所", "accounting_firm", "杨帆", "0532-85763219", "qd@hexin.example.cn", "新三板挂牌审计"),
    partner("国浩律师（青岛）事务所", "law_firm", "吕刚", "0532-68890013", "qingdao@grandall.example.cn", "股改法律尽调与上市法律服务"),
    partner("北京德和衡（青岛）律师事务所", "law_firm", "林晓", "0532-85092718", "qd-ipo@deheheng.example.cn", "历史沿革梳理与股权激励方案"),
    partner("山东琴岛律师事务所", "law_firm", "宋建国", "0532-85023326", "office@qindaolaw.example.cn", "专精特新企业合规体检"),
    partner("北京市金杜（青岛）律师事务所", "law_firm", "郑雪", "0532-66781520", "qingdao@kwm.example.cn", "科创板、创业板上市法律服务"),
    partner("上海市锦天城（青岛）律师事务所", "law_firm", "冯涛", "0532-83897310", "qd@allbrightlaw.example.cn", "北交所上市与再融资法律服务"),
    partner("山东文康律师事务所", "law_firm", "韩梅", "0532-85016712", "ipo@wenkang.example.cn", "新三板挂牌法律服务"),
    partner("青岛银行股份有限公司", "bank", "曲海峰", "0532-68629731", "kcjr@qdbank.example.cn", "专精特新“上市贷”、科创积分贷"),
    partner("青岛农村商业银行股份有限公司", "bank", "隋玉兰", "0532-66957612", "kc@qrcb.example.cn", "首贷、信用贷服务中心线上线下窗口"),
    partner("中国工商银行股份有限公司青岛市分行", "bank", "王海", "0532-65858020", "qd-kc@icbc.example.cn", "投贷联动与上市募集资金监管"),
    partner("中国建设银行股份有限公司青岛市分行", "bank", "李红", "0532-82913301", "qd-sme@ccb.example.cn", "“善新贷”专精特新专属信贷"),
    partner("恒丰银行股份有限公司青岛分行", "bank", "孙鹏", "0532-68975126", "qd@hfbank.example.cn", "股权质押融资与债券承销"),
    partner("青岛市科技创新股权投资基金管理有限公司", "investor", "姜宁", "0532-88713950", "invest@qdkctz.example.cn", "专精特新企业股权直投与子基金合作"),
    partner("青岛蓝海专精特新产业投资基金（有限合伙）", "investor", "董文", "0532-88720136", "bd@lhsrdi-fund.example.cn", "Pre-IPO 轮股权投资"),
    partner("琴岛资本管理有限公司", "investor", "曹斌", "0532-58836620", "deal@qindaocap.example.cn", "天使轮、A 轮投资与投后赋能"),
    partner("中国科学院青岛生物能源与过程研究所", "research_institute", "邓晨", "0532-80662771", "cxy@qibebt.example.cn", "技术成果转化与联合研发平台"),
    partner("青岛市工业技术研究院", "research_institute", "彭亮", "0532-87069216", "service@qditi.example.cn", "中试验证、检验检测与知识产权服务"),
];

/// What staff wrote when they discovered an enterprise (the first timeline entry).
pub const DISCOVERY_NOTES: &[&str] = &[
    "走访摸排发现：细分领域龙头，有上市意向",
    "区工信局推荐的上市后备资源",
    "合作券商推荐的拟上市企业",
    "专板挂牌企业，公司治理基础较好",
    "专精特新企业培育库筛选",
    "上市培育专题培训后企业主动对接",
];

/// The comment of a proposal to advance to `to` (the timeline shows it as the reason).
pub fn advance_notes(to: Step) -> &'static [&'static str] {
    match to {
        Step::Potential => &["企业重新进入上市培育"],
        Step::Reserve => &[
            "企业上市意愿明确，符合后备企业条件，建议纳入后备库",
            "资质有效，已出具上市意愿确认函，建议转入后备",
        ],
        Step::ShareholdingReform => &[
            "股改方案已定，会计师、律师已进场，建议进入股改阶段",
            "审计、律师机构已聘请，股东会已审议股改方案",
        ],
        Step::Listing(Milestone::TutoringFiling) => &[
            "已完成股份制改造并聘请保荐机构，已向青岛证监局报送辅导备案",
            "股份公司已设立，辅导备案已获证监局受理",
        ],
        Step::Listing(Milestone::TutoringAcceptance) => &["辅导期满三个月，已通过证监局辅导验收"],
        Step::Listing(Milestone::ApplicationAccepted) => &["申报材料已获交易所受理"],
        Step::Listing(Milestone::Inquiry) => &["已收到交易所首轮审核问询函，正组织回复"],
        Step::Listing(Milestone::ListingCommittee) => &["上市委审议通过"],
        Step::Listing(Milestone::Registration) => &["已获中国证监会同意注册批复"],
        Step::Listing(Milestone::IssueAndListing) => &["已披露招股意向书，启动发行"],
        Step::Listed => &["股票已在交易所上市交易"],
        Step::Exited(_) => &[],
    }
}

/// Reasons for leaving the pipeline, by kind and by how far the enterprise had come.
pub fn exit_reasons(kind: ExitKind, in_listing_process: bool) -> &'static [&'static str] {
    match (kind, in_listing_process) {
        (ExitKind::Withdrawn, false) => &[
            "企业经营战略调整，暂缓上市计划",
            "实际控制人变更，企业主动撤回培育",
            "企业拟被上市公司并购，不再独立上市",
        ],
        (ExitKind::Withdrawn, true) => &["企业主动撤回发行上市申请", "撤回辅导备案，调整上市板块"],
        (ExitKind::Terminated, false) => &[
            "连续两年营业收入下滑，不再符合后备企业条件",
            "企业注册地迁出青岛市",
            "发生重大安全生产事故，终止培育",
        ],
        (ExitKind::Terminated, true) => &["交易所终止发行上市审核", "辅导验收未通过，终止辅导"],
    }
}

/// An official's comment when returning a proposal to advance to `to` or to exit.
pub fn return_comments(to: Step) -> &'static [&'static str] {
    match to {
        Step::Reserve => &[
            "上市意愿确认函缺少企业盖章，请补充后重新提交",
            "请补充企业近三年审计报告后再提交",
        ],
        Step::ShareholdingReform => &["股改方案尚需股东会决议，请补充决议文件"],
        Step::Exited(_) => &["企业仍有上市意愿，建议继续培育并加强跟踪服务"],
        _ => &["材料不完整，请补充后重新提交"],
    }
}

/// Tasks counsellors set for enterprises at `step`.
pub fn task_titles(step: Step) -> &'static [&'static str] {
    match step {
        Step::Potential | Step::Exited(_) => &["走访企业，了解上市意向"],
        Step::Reserve => &[
            "走访企业，确认上市时间表",
            "组织参加上市后备企业培训",
            "对接会计师事务所开展财务规范诊断",
            "梳理历史沿革和股权结构",
            "推荐对接合作券商",
        ],
        Step::ShareholdingReform => &[
            "督促完成股改审计和资产评估",
            "协调召开创立大会",
            "协助办理股份公司变更登记",
            "推荐并确定保荐机构",
            "协调解决土地房产权属问题",
        ],
        Step::Listing(Milestone::TutoringFiling | Milestone::TutoringAcceptance) => &[
            "跟进辅导期规范整改",
            "协调证监局辅导验收安排",
            "协调出具合规证明",
            "跟进募投项目备案和环评",
        ],
        Step::Listing(_) => &[
            "协调出具合规证明",
            "跟进审核问询回复进度",
            "协调解决审核关注的社保公积金问题",
            "跟进募投项目备案和环评",
        ],
        Step::Listed => &["办理上市奖励资金申请", "组织上市敲钟仪式对接"],
    }
}

/// Notes on a cultivation plan.
pub const PLAN_NOTES: &[&str] = &[
    "估值参考最近一轮融资投后估值",
    "估值按同行业可比公司市盈率测算",
    "募投项目：智能化产线扩建及研发中心建设",
    "拟引入产业基金参与战略配售",
    "",
];

/// The evidence a staff member records when ticking a manual gate item: (what
/// happened, who issued the document, the document kind). `None` for unknown keys.
/// An issuer of `EXCHANGE` stands for the exchange of the target board.
pub fn tick_evidence(key: &str) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match key {
        "reserve.willing" => ("企业出具上市意愿确认函", "QDGQ", "意愿"),
        "reform.plan" => ("股东会审议通过股份制改造方案", "QDGQ", "股改"),
        "filing.receipt" => ("证监局辅导备案公示", "QDZJ", "备案"),
        "acceptance.passed" => ("取得证监局辅导验收完成函", "QDZJ", "验收"),
        "application.notice" => ("交易所受理发行上市申请", EXCHANGE, "受理"),
        "inquiry.letter" => ("收到交易所首轮审核问询函", EXCHANGE, "问询"),
        "committee.passed" => ("上市委审议会议结果公告：符合发行条件", EXCHANGE, "上市委"),
        "registration.granted" => ("中国证监会同意注册批复", "CSRC", "注册"),
        "issue.launched" => ("披露招股意向书，启动发行", EXCHANGE, "发行"),
        "listed.trading" => ("股票上市交易公告书", EXCHANGE, "上市"),
        _ => return None,
    })
}

/// The placeholder issuer in [`tick_evidence`] for the target board's exchange.
pub const EXCHANGE: &str = "EXCHANGE";

/// Chinese numerals for batch labels ("第五批").
pub fn cn_number(n: i32) -> String {
    const DIGITS: [&str; 11] = [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    match n {
        0..=10 => DIGITS[n as usize].to_string(),
        11..=19 => format!("十{}", DIGITS[(n - 10) as usize]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::industry::IndustryCode;

    #[test]
    fn industries_are_real_divisions() {
        for i in INDUSTRIES {
            assert!(
                IndustryCode::parse(i.section, i.division).is_ok(),
                "{}{}",
                i.section,
                i.division
            );
            assert!(!i.stems.is_empty() && !i.niches.is_empty());
        }
    }

    #[test]
    fn numerals() {
        assert_eq!(cn_number(5), "五");
        assert_eq!(cn_number(12), "十二");
    }
}
