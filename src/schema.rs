// @generated automatically by Diesel CLI (`diesel print-schema` against the SQLite
// migrations); both backends share it. Regenerate, never hand-edit.

diesel::table! {
    annual_data (id) {
        id -> Integer,
        enterprise_id -> Integer,
        year -> Integer,
        revenue -> Nullable<BigInt>,
        main_business_revenue -> Nullable<BigInt>,
        net_profit -> Nullable<BigInt>,
        total_assets -> Nullable<BigInt>,
        total_liabilities -> Nullable<BigInt>,
        rd_expense -> Nullable<BigInt>,
        employees -> Nullable<Integer>,
        rd_staff -> Nullable<Integer>,
        ip_class1 -> Nullable<Integer>,
        ip_class1_high_value -> Nullable<Integer>,
        ip_class1_self -> Nullable<Integer>,
        ip_class2 -> Nullable<Integer>,
        equity_financing -> Nullable<BigInt>,
        digitalisation_level -> Nullable<Integer>,
        rd_institution_level -> Nullable<Integer>,
        quality_items -> Nullable<Integer>,
        market_share -> Nullable<Double>,
        own_brand -> Nullable<Bool>,
        distinctive_points -> Nullable<Double>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    annual_submissions (id) {
        id -> Integer,
        enterprise_id -> Integer,
        year -> Integer,
        payload -> Text,
        status -> Text,
        submitted_by -> Integer,
        submitted_at -> Timestamp,
        decided_by -> Nullable<Integer>,
        decided_at -> Nullable<Timestamp>,
        return_reason -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor_name -> Text,
        ip -> Text,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Text>,
        enterprise_id -> Nullable<Integer>,
        district_code -> Nullable<Text>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    board_conditions (id) {
        id -> Integer,
        tier -> Text,
        key -> Text,
        field -> Text,
        value -> Text,
        label_zh -> Text,
        label_en -> Text,
        active -> Bool,
    }
}

diesel::table! {
    board_entries (id) {
        id -> Integer,
        enterprise_id -> Integer,
        action -> Text,
        tier_from -> Nullable<Text>,
        tier_to -> Nullable<Text>,
        source_board -> Text,
        reason -> Text,
        effective_on -> Date,
        recorded_by -> Nullable<Integer>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    cultivation_events (id) {
        id -> Integer,
        enterprise_id -> Integer,
        step_from -> Nullable<Text>,
        step_to -> Text,
        stage_to -> Text,
        reason -> Text,
        proposal_id -> Nullable<Integer>,
        effective_on -> Date,
        recorded_by -> Nullable<Integer>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    cultivation_intermediaries (id) {
        id -> Integer,
        enterprise_id -> Integer,
        kind -> Text,
        partner_id -> Integer,
        engaged_on -> Date,
        recorded_by -> Nullable<Integer>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    cultivation_plans (enterprise_id) {
        enterprise_id -> Integer,
        valuation -> Nullable<BigInt>,
        valuation_on -> Nullable<Date>,
        planned_raise -> Nullable<BigInt>,
        planned_filing_on -> Nullable<Date>,
        planned_listing_on -> Nullable<Date>,
        counsellor_id -> Nullable<Integer>,
        note -> Text,
        updated_at -> Timestamp,
        updated_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    cultivation_proposals (id) {
        id -> Integer,
        enterprise_id -> Integer,
        step_from -> Text,
        step_to -> Text,
        reason -> Text,
        comment -> Text,
        gate_snapshot -> Text,
        status -> Text,
        proposed_by -> Integer,
        proposed_at -> Timestamp,
        decided_by -> Nullable<Integer>,
        decided_at -> Nullable<Timestamp>,
        decision_comment -> Text,
    }
}

diesel::table! {
    cultivation_tasks (id) {
        id -> Integer,
        enterprise_id -> Integer,
        step -> Text,
        title -> Text,
        owner_id -> Integer,
        due_on -> Date,
        status -> Text,
        done_on -> Nullable<Date>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    districts (code) {
        code -> Text,
        name_zh -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    enterprises (id) {
        id -> Integer,
        credit_code -> Text,
        name -> Text,
        district_code -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        archived_at -> Nullable<Timestamp>,
        legal_representative -> Text,
        founded_on -> Nullable<Date>,
        company_type -> Text,
        registered_capital -> Nullable<BigInt>,
        industry_section -> Nullable<Text>,
        industry_division -> Nullable<Text>,
        niche_market -> Text,
        main_product -> Text,
        niche_since -> Nullable<Integer>,
        product_field -> Integer,
        strategic_emerging -> Bool,
        high_tech_title -> Bool,
        sci_award_year -> Nullable<Integer>,
        meets_common_gate -> Bool,
        has_shareholder_register -> Bool,
        recommending_institution -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        contact_email -> Text,
        current_tier -> Nullable<Text>,
        tier_since -> Nullable<Date>,
        current_level -> Nullable<Text>,
        level_expires_on -> Nullable<Date>,
        cultivation_step -> Nullable<Text>,
        cultivation_stage -> Nullable<Text>,
        stage_since -> Nullable<Date>,
        step_since -> Nullable<Date>,
        queue_order -> Nullable<Integer>,
        target_board -> Nullable<Text>,
    }
}

diesel::table! {
    expert_assignments (id) {
        id -> Integer,
        expert_id -> Integer,
        enterprise_id -> Integer,
        period -> Text,
        indicator -> Text,
        assigned_by -> Nullable<Integer>,
        assigned_at -> Timestamp,
        score -> Nullable<Double>,
        comment -> Text,
        scored_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    financing_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    financing_needs (id) {
        id -> Integer,
        enterprise_id -> Integer,
        kind -> Text,
        amount -> BigInt,
        purpose -> Text,
        wanted_by -> Nullable<Date>,
        status -> Text,
        created_by -> Nullable<Integer>,
        created_via -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        close_reason -> Nullable<Text>,
        close_note -> Text,
        closed_by -> Nullable<Integer>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    financing_referrals (id) {
        id -> Integer,
        need_id -> Integer,
        partner_id -> Integer,
        status -> Text,
        approved_amount -> Nullable<BigInt>,
        approved_rate -> Nullable<Integer>,
        approved_on -> Nullable<Date>,
        decline_reason -> Text,
        sent_at -> Timestamp,
        in_review_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        created_by -> Nullable<Integer>,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    gate_items (id) {
        id -> Integer,
        key -> Text,
        step -> Text,
        field -> Text,
        value -> Text,
        label_zh -> Text,
        label_en -> Text,
        position -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    gate_ticks (id) {
        id -> Integer,
        enterprise_id -> Integer,
        item_key -> Text,
        evidence -> Text,
        document_ref -> Text,
        ticked_by -> Nullable<Integer>,
        ticked_at -> Timestamp,
    }
}

diesel::table! {
    index_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    index_groups_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    index_models (id) {
        id -> Integer,
        code -> Text,
        version -> Integer,
        name_zh -> Text,
        name_en -> Text,
        model -> Text,
        change_note -> Text,
        active -> Bool,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    index_periods (period) {
        period -> Text,
        model_id -> Nullable<Integer>,
        reference -> Nullable<Text>,
        computed_at -> Nullable<Timestamp>,
        computed_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    index_scores (enterprise_id, period) {
        enterprise_id -> Integer,
        period -> Text,
        model_id -> Integer,
        total -> Nullable<Double>,
        dim1 -> Nullable<Double>,
        dim2 -> Nullable<Double>,
        dim3 -> Nullable<Double>,
        dim4 -> Nullable<Double>,
        dim5 -> Nullable<Double>,
        dim6 -> Nullable<Double>,
        coverage -> Double,
        detail -> Text,
        computed_at -> Timestamp,
    }
}

diesel::table! {
    index_values (enterprise_id, period, indicator) {
        enterprise_id -> Integer,
        period -> Text,
        indicator -> Text,
        value -> Double,
        source -> Text,
        updated_by -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        first_failure_at -> Timestamp,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Integer,
        user_id -> Integer,
        kind -> Text,
        params -> Text,
        link -> Text,
        enterprise_id -> Nullable<Integer>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    partner_agreements (id) {
        id -> Integer,
        partner_id -> Integer,
        signed_on -> Nullable<Date>,
        scope -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        terminated_on -> Nullable<Date>,
        termination_reason -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    partner_service_plans (id) {
        id -> Integer,
        partner_id -> Integer,
        name -> Text,
        products -> Text,
        min_amount -> Nullable<BigInt>,
        max_amount -> Nullable<BigInt>,
        term_months -> Nullable<Integer>,
        rate_min -> Nullable<Integer>,
        rate_max -> Nullable<Integer>,
        target_levels -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    partners (id) {
        id -> Integer,
        name -> Text,
        kind -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        contact_email -> Text,
        note -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    pipeline_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    plan_targets (year, stage) {
        year -> Integer,
        stage -> Text,
        target -> Integer,
        updated_by -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    qualification_events (id) {
        id -> Integer,
        qualification_id -> Integer,
        enterprise_id -> Integer,
        action -> Text,
        on_date -> Date,
        expires_before -> Nullable<Date>,
        expires_after -> Nullable<Date>,
        note -> Text,
        recorded_by -> Nullable<Integer>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    qualifications (id) {
        id -> Integer,
        enterprise_id -> Integer,
        level -> Text,
        batch -> Text,
        recognized_on -> Date,
        expires_on -> Date,
        revoked_on -> Nullable<Date>,
        revoke_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    rubric_results (id) {
        id -> Integer,
        enterprise_id -> Integer,
        year -> Integer,
        rubric_code -> Text,
        rubric_version -> Text,
        total -> Nullable<Double>,
        passed -> Bool,
        result -> Text,
        computed_at -> Timestamp,
    }
}

diesel::table! {
    rubric_versions (id) {
        id -> Integer,
        code -> Text,
        version -> Text,
        definition -> Text,
        builtin -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Integer,
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        ip -> Text,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    training_events (id) {
        id -> Integer,
        title -> Text,
        kind -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        online -> Bool,
        place -> Text,
        link -> Text,
        organiser_id -> Nullable<Integer>,
        audience_tiers -> Text,
        audience_levels -> Text,
        audience_stages -> Text,
        capacity -> Integer,
        description -> Text,
        status -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    training_invitations (id) {
        id -> Integer,
        event_id -> Integer,
        enterprise_id -> Integer,
        invited_by -> Nullable<Integer>,
        invited_at -> Timestamp,
    }
}

diesel::table! {
    training_registrations (id) {
        id -> Integer,
        event_id -> Integer,
        enterprise_id -> Integer,
        status -> Text,
        registered_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
        attendance -> Nullable<Text>,
        attendance_by -> Nullable<Integer>,
        attendance_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_districts (user_id, district_code) {
        user_id -> Integer,
        district_code -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        enterprise_id -> Nullable<Integer>,
        all_districts -> Bool,
        must_change_password -> Bool,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::joinable!(annual_data -> enterprises (enterprise_id));
diesel::joinable!(annual_data -> users (updated_by));
diesel::joinable!(annual_submissions -> enterprises (enterprise_id));
diesel::joinable!(audit_log -> enterprises (enterprise_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(board_entries -> enterprises (enterprise_id));
diesel::joinable!(board_entries -> users (recorded_by));
diesel::joinable!(cultivation_events -> cultivation_proposals (proposal_id));
diesel::joinable!(cultivation_events -> enterprises (enterprise_id));
diesel::joinable!(cultivation_events -> users (recorded_by));
diesel::joinable!(cultivation_intermediaries -> enterprises (enterprise_id));
diesel::joinable!(cultivation_intermediaries -> partners (partner_id));
diesel::joinable!(cultivation_intermediaries -> users (recorded_by));
diesel::joinable!(cultivation_plans -> enterprises (enterprise_id));
diesel::joinable!(cultivation_proposals -> enterprises (enterprise_id));
diesel::joinable!(cultivation_tasks -> enterprises (enterprise_id));
diesel::joinable!(enterprises -> districts (district_code));
diesel::joinable!(expert_assignments -> enterprises (enterprise_id));
diesel::joinable!(expert_assignments -> index_periods (period));
diesel::joinable!(financing_needs -> enterprises (enterprise_id));
diesel::joinable!(financing_referrals -> financing_needs (need_id));
diesel::joinable!(financing_referrals -> partners (partner_id));
diesel::joinable!(financing_referrals -> users (created_by));
diesel::joinable!(gate_ticks -> enterprises (enterprise_id));
diesel::joinable!(gate_ticks -> users (ticked_by));
diesel::joinable!(index_models -> users (created_by));
diesel::joinable!(index_periods -> index_models (model_id));
diesel::joinable!(index_periods -> users (computed_by));
diesel::joinable!(index_scores -> enterprises (enterprise_id));
diesel::joinable!(index_scores -> index_models (model_id));
diesel::joinable!(index_scores -> index_periods (period));
diesel::joinable!(index_values -> enterprises (enterprise_id));
diesel::joinable!(index_values -> index_periods (period));
diesel::joinable!(index_values -> users (updated_by));
diesel::joinable!(notifications -> enterprises (enterprise_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(partner_agreements -> partners (partner_id));
diesel::joinable!(partner_service_plans -> partners (partner_id));
diesel::joinable!(plan_targets -> users (updated_by));
diesel::joinable!(qualification_events -> enterprises (enterprise_id));
diesel::joinable!(qualification_events -> qualifications (qualification_id));
diesel::joinable!(qualification_events -> users (recorded_by));
diesel::joinable!(qualifications -> enterprises (enterprise_id));
diesel::joinable!(rubric_results -> enterprises (enterprise_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(training_events -> partners (organiser_id));
diesel::joinable!(training_events -> users (created_by));
diesel::joinable!(training_invitations -> enterprises (enterprise_id));
diesel::joinable!(training_invitations -> training_events (event_id));
diesel::joinable!(training_invitations -> users (invited_by));
diesel::joinable!(training_registrations -> enterprises (enterprise_id));
diesel::joinable!(training_registrations -> training_events (event_id));
diesel::joinable!(training_registrations -> users (attendance_by));
diesel::joinable!(user_districts -> districts (district_code));
diesel::joinable!(user_districts -> users (user_id));
diesel::joinable!(users -> enterprises (enterprise_id));

diesel::allow_tables_to_appear_in_same_query!(
    annual_data,
    annual_submissions,
    audit_log,
    board_conditions,
    board_entries,
    cultivation_events,
    cultivation_intermediaries,
    cultivation_plans,
    cultivation_proposals,
    cultivation_tasks,
    districts,
    enterprises,
    expert_assignments,
    financing_generation,
    financing_needs,
    financing_referrals,
    gate_items,
    gate_ticks,
    index_generation,
    index_groups_generation,
    index_models,
    index_periods,
    index_scores,
    index_values,
    login_throttle,
    notifications,
    partner_agreements,
    partner_service_plans,
    partners,
    pipeline_generation,
    plan_targets,
    qualification_events,
    qualifications,
    rubric_results,
    rubric_versions,
    sessions,
    training_events,
    training_invitations,
    training_registrations,
    user_districts,
    users,
);
