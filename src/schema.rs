// @generated automatically by Diesel CLI (`diesel print-schema` against the SQLite
// migrations); both backends share it. Regenerate, never hand-edit.

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

diesel::joinable!(audit_log -> enterprises (enterprise_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(enterprises -> districts (district_code));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_districts -> districts (district_code));
diesel::joinable!(user_districts -> users (user_id));
diesel::joinable!(users -> enterprises (enterprise_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    districts,
    enterprises,
    login_throttle,
    sessions,
    user_districts,
    users,
);
