//! A provider written for the runtime's tests: a shop with orders (sequence ids from 100, a
//! seed record, states with signed webhooks), tokens (hex ids, capped store) and notes
//! (seeded sequence), validating every field kind, with its own error shape and envelope.
#![allow(dead_code)]

use std::collections::BTreeMap;

use payspec_runtime::mock::engine::Config;
use payspec_runtime::mock::tables::*;
use payspec_runtime::signing::{self, Algorithm, Message, Part, Recipe};

pub const STATUS: TypeId = TypeId(0);
pub const LEVEL: TypeId = TypeId(1);
pub const ITEM: TypeId = TypeId(2);
pub const ORDER: TypeId = TypeId(3);
pub const TOTALS: TypeId = TypeId(4);
pub const TOKEN: TypeId = TypeId(5);

pub const ORDERS: ResourceId = ResourceId(0);
pub const TOKENS: ResourceId = ResourceId(1);
pub const NOTES: ResourceId = ResourceId(2);

pub const BY_TOKEN: SchemeId = SchemeId(0);
pub const HOOK_SCHEME: SchemeId = SchemeId(1);
pub const JSON_HOOK_SCHEME: SchemeId = SchemeId(2);

pub const STATUS_T: TypeDef = TypeDef {
    name: "Status",
    values: &["new", "paid", "void"],
    ..TypeDef::DEFAULT
};
pub const LEVEL_T: TypeDef = TypeDef {
    name: "Level",
    values: &["1", "2"],
    integer: true,
    ..TypeDef::DEFAULT
};
pub const ITEM_T: TypeDef = TypeDef {
    name: "Item",
    fields: &[
        Field {
            name: "sku",
            wire: "sku",
            ..Field::DEFAULT
        },
        Field {
            name: "qty",
            wire: "qty",
            kind: Kind::Integer(Wire::Number),
            minimum: Some(1),
            maximum: Some(99),
            ..Field::DEFAULT
        },
    ],
    ..TypeDef::DEFAULT
};
pub static ITEMS: Kind = Kind::Named(ITEM);
pub static STRINGS: Kind = Kind::String;
pub const ORDER_T: TypeDef = TypeDef {
    name: "Order",
    fields: &[
        Field {
            name: "id",
            wire: "id",
            kind: Kind::Integer(Wire::Number),
            ..Field::DEFAULT
        },
        Field {
            name: "reference",
            wire: "ref",
            ..Field::DEFAULT
        },
        Field {
            name: "amount",
            wire: "amount",
            kind: Kind::Decimal(Wire::String),
            ..Field::DEFAULT
        },
        Field {
            name: "fee",
            wire: "fee",
            kind: Kind::Decimal(Wire::Number),
            ..Field::DEFAULT
        },
        Field {
            name: "fee_text",
            wire: "fee_text",
            kind: Kind::Integer(Wire::String),
            ..Field::DEFAULT
        },
        Field {
            name: "status",
            wire: "status",
            kind: Kind::Named(STATUS),
            ..Field::DEFAULT
        },
        Field {
            name: "level",
            wire: "level",
            kind: Kind::Named(LEVEL),
            ..Field::DEFAULT
        },
        Field {
            name: "paid",
            wire: "paid",
            kind: Kind::Bool,
            ..Field::DEFAULT
        },
        Field {
            name: "due",
            wire: "due",
            kind: Kind::Date("[day].[month].[year]"),
            optional: true,
            ..Field::DEFAULT
        },
        Field {
            name: "created",
            wire: "created",
            kind: Kind::DateTime("rfc3339"),
            ..Field::DEFAULT
        },
        Field {
            name: "updated_at",
            wire: "updated_at",
            kind: Kind::DateTime("[year]-[month]-[day] [hour]:[minute]:[second]"),
            ..Field::DEFAULT
        },
        Field {
            name: "items",
            wire: "items",
            kind: Kind::Array(&ITEMS),
            ..Field::DEFAULT
        },
        Field {
            name: "tags",
            wire: "tags",
            kind: Kind::Array(&STRINGS),
            optional: true,
            ..Field::DEFAULT
        },
        Field {
            name: "note",
            wire: "note",
            nullable: true,
            ..Field::DEFAULT
        },
        Field {
            name: "label",
            wire: "label",
            ..Field::DEFAULT
        },
        Field {
            name: "extra",
            wire: "extra",
            kind: Kind::Any,
            ..Field::DEFAULT
        },
    ],
    ..TypeDef::DEFAULT
};
pub static SUMS: Kind = Kind::Decimal(Wire::String);
pub const TOTALS_T: TypeDef = TypeDef {
    name: "Totals",
    fields: &[
        Field {
            name: "sum",
            wire: "sum",
            kind: Kind::Decimal(Wire::String),
            ..Field::DEFAULT
        },
        Field {
            name: "by_status",
            wire: "by_status",
            kind: Kind::Map(&SUMS),
            ..Field::DEFAULT
        },
        Field {
            name: "net",
            wire: "net",
            kind: Kind::Decimal(Wire::Number),
            ..Field::DEFAULT
        },
    ],
    ..TypeDef::DEFAULT
};
pub const TOKEN_T: TypeDef = TypeDef {
    name: "Token",
    fields: &[
        Field {
            name: "token",
            wire: "token",
            ..Field::DEFAULT
        },
        Field {
            name: "day",
            wire: "day",
            kind: Kind::Date("rfc3339"),
            ..Field::DEFAULT
        },
        Field {
            name: "kind",
            wire: "kind",
            kind: Kind::Named(STATUS),
            ..Field::DEFAULT
        },
        Field {
            name: "item",
            wire: "item",
            kind: Kind::Named(ITEM),
            ..Field::DEFAULT
        },
    ],
    ..TypeDef::DEFAULT
};

pub const fn body(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        wire: name,
        kind,
        ..Field::DEFAULT
    }
}
pub const fn optional(f: Field) -> Field {
    Field {
        optional: true,
        ..f
    }
}
pub const fn at(loc: Loc, f: Field) -> Field {
    Field { loc, ..f }
}

/// `POST /orders/{id}/...` identified by the path's id.
pub const BY_PATH_ID: &[Field] = &[at(Loc::Path, body("id", Kind::Integer(Wire::Number)))];

pub static HOOK: Recipe = Recipe {
    algorithm: Algorithm::HmacSha256,
    key: Some("key"),
    message: Message::Parts(&[
        Part::Field("id", signing::Format::Raw),
        Part::Literal(":"),
        Part::Field("amount", signing::Format::Raw),
    ]),
    encoding: signing::Encoding::Hex,
    header: None,
    template: "{signature}",
    field: Some("sign"),
};
pub static BODY_HMAC: Recipe = Recipe {
    algorithm: Algorithm::HmacSha256,
    key: Some("key"),
    message: Message::Body,
    encoding: signing::Encoding::Base64,
    header: Some("X-Sign"),
    template: "v1={signature}",
    field: None,
};

pub static SPEC: Spec = Spec {
    provider: "Test Shop",
    base_path: "",
    credentials: &[
        Credential {
            name: "token",
            default: "t0k",
            aliases: &["old-t0k"],
            secret: true,
        },
        Credential {
            name: "key",
            default: "k3y",
            aliases: &[],
            secret: true,
        },
    ],
    schemes: &[
        Scheme {
            name: "token",
            token: Some(Token {
                credential: "token",
                query: None,
                header: Some("x-token"),
            }),
            ..Scheme::DEFAULT
        },
        Scheme {
            name: "hook",
            recipe: Some(&HOOK),
            ..Scheme::DEFAULT
        },
        Scheme {
            name: "json_hook",
            recipe: Some(&BODY_HMAC),
            ..Scheme::DEFAULT
        },
    ],
    endpoints: &[
        Endpoint {
            name: "create_order",
            path: "/orders",
            scheme: Some(BY_TOKEN),
            fields: &[
                Field {
                    name: "reference",
                    wire: "ref",
                    min_length: Some(2),
                    max_length: Some(8),
                    pattern: Some("[A-Z0-9]+"),
                    ..Field::DEFAULT
                },
                body("amount", Kind::Decimal(Wire::Number)),
                Field {
                    exclusive_minimum: Some(0),
                    exclusive_maximum: Some(1_000_000),
                    ..optional(body("tip", Kind::Decimal(Wire::Number)))
                },
                optional(body("level", Kind::Named(LEVEL))),
                optional(body("paid", Kind::Bool)),
                optional(body("due", Kind::Date("[day].[month].[year]"))),
                optional(body("items", Kind::Array(&ITEMS))),
                optional(body("tags", Kind::Array(&STRINGS))),
                Field {
                    nullable: true,
                    ..optional(body("note", Kind::String))
                },
                optional(body("callback", Kind::String)),
                optional(body("meta", Kind::Map(&STRINGS))),
                optional(body("status", Kind::Named(STATUS))),
            ],
            status: 201,
            body: Body::Json(Kind::Named(ORDER)),
            op: Op {
                action: Action::Create(ORDERS),
                store: &[
                    ("reference", "ref"),
                    ("amount", "amount"),
                    ("level", "level"),
                    ("paid", "paid"),
                    ("due", "due"),
                    ("items", "items"),
                    ("tags", "tags"),
                    ("note", "note"),
                    ("callback", "callback"),
                    ("label", "level"),
                    ("label", "meta.label"),
                ],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "get_order",
            method: Method::Get,
            path: "/orders/{id}",
            encoding: Encoding::Query,
            fields: BY_PATH_ID,
            body: Body::Json(Kind::Named(ORDER)),
            op: Op {
                action: Action::Read(ORDERS),
                lookup: &[("id", "id")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "find_order",
            method: Method::Get,
            path: "/find",
            encoding: Encoding::Query,
            fields: &[
                optional(at(Loc::Query, body("id", Kind::Integer(Wire::Number)))),
                optional(at(Loc::Query, body("ref", Kind::String))),
            ],
            one_of_required: &["id", "ref"],
            body: Body::Json(Kind::Named(ORDER)),
            op: Op {
                action: Action::Read(ORDERS),
                lookup: &[("id", "id"), ("ref", "reference")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "list_orders",
            method: Method::Get,
            path: "/orders",
            encoding: Encoding::Query,
            fields: &[optional(at(
                Loc::Query,
                body("page", Kind::Integer(Wire::Number)),
            ))],
            body: Body::Json(Kind::Array(&Kind::Named(ORDER))),
            op: Op {
                action: Action::List(ORDERS),
                page: Some("page"),
                page_size: 2,
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "raw_list",
            method: Method::Get,
            path: "/raw",
            encoding: Encoding::Query,
            body: Body::Json(Kind::Any),
            op: Op {
                action: Action::List(ORDERS),
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "update_order",
            path: "/orders/{id}/update",
            encoding: Encoding::Form,
            fields: &[
                at(Loc::Path, body("id", Kind::Integer(Wire::Number))),
                optional(body("amount", Kind::Decimal(Wire::Number))),
                optional(body("paid", Kind::Bool)),
                optional(body("fee", Kind::Decimal(Wire::Number))),
                optional(body("fee_text", Kind::Integer(Wire::Number))),
                optional(body("bogus", Kind::String)),
                optional(at(Loc::Header, body("x-label", Kind::String))),
            ],
            body: Body::Json(Kind::Named(ORDER)),
            op: Op {
                action: Action::Update(ORDERS),
                lookup: &[("id", "id")],
                store: &[
                    ("amount", "amount"),
                    ("paid", "paid"),
                    ("fee", "fee"),
                    ("fee_text", "fee_text"),
                    ("nowhere", "bogus"),
                    ("label", "x-label"),
                ],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "pay_order",
            path: "/orders/{id}/pay",
            fields: BY_PATH_ID,
            body: Body::Json(Kind::Named(ORDER)),
            op: Op {
                action: Action::Fire(ORDERS),
                lookup: &[("id", "id")],
                event: Some("paid"),
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "set_status",
            path: "/orders/{id}/status",
            fields: &[
                at(Loc::Path, body("id", Kind::Integer(Wire::Number))),
                body("status", Kind::Named(STATUS)),
            ],
            body: Body::Json(Kind::Named(ORDER)),
            op: Op {
                action: Action::Fire(ORDERS),
                lookup: &[("id", "id")],
                event: Some("{status}"),
                respond: &[("id", "\"{id}\""), ("state", "\"{status}\"")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "totals",
            method: Method::Get,
            path: "/totals",
            encoding: Encoding::Query,
            body: Body::Json(Kind::Named(TOTALS)),
            op: Op {
                action: Action::Totals,
                respond: &[("currency", "\"RUB\"")],
                totals: &[
                    Total {
                        field: "sum",
                        add: &[Sum {
                            resource: ORDERS,
                            field: "amount",
                            filter: &[],
                        }],
                        subtract: &[],
                        group_by: None,
                        opening: &[("", "0.50")],
                    },
                    Total {
                        field: "by_status",
                        add: &[Sum {
                            resource: ORDERS,
                            field: "amount",
                            filter: &[],
                        }],
                        subtract: &[],
                        group_by: Some("status"),
                        opening: &[("void", "0")],
                    },
                    Total {
                        field: "net",
                        add: &[Sum {
                            resource: ORDERS,
                            field: "amount",
                            filter: &[("status", "\"paid\"")],
                        }],
                        subtract: &[Sum {
                            resource: ORDERS,
                            field: "fee",
                            filter: &[("status", "\"paid\"")],
                        }],
                        group_by: None,
                        opening: &[],
                    },
                ],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "ping",
            method: Method::Get,
            path: "/ping",
            encoding: Encoding::Query,
            body: Body::Json(Kind::Any),
            enveloped: true,
            op: Op {
                action: Action::Fixed,
                respond: &[
                    ("pong", "true"),
                    (
                        "docs",
                        "\"{base_url}/docs?key={credential.key}&x={missing}\"",
                    ),
                    ("list", "[\"{base_url}\"]"),
                    ("open", "\"{base_url\""),
                ],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "receipt",
            method: Method::Get,
            path: "/orders/{id}/receipt",
            encoding: Encoding::Query,
            fields: &[
                at(Loc::Path, body("id", Kind::Integer(Wire::Number))),
                optional(at(Loc::Query, body("format", Kind::String))),
            ],
            body: Body::Binary(&["application/pdf", "image/jpeg"]),
            content_type_from: Some(ContentTypeFrom {
                field: "format",
                types: &[("pdf", "application/pdf"), ("jpeg", "image/jpeg")],
            }),
            op: Op {
                action: Action::Read(ORDERS),
                lookup: &[("id", "id")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "forget",
            method: Method::Delete,
            path: "/orders/{id}",
            fields: BY_PATH_ID,
            status: 204,
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "noop",
            path: "/noop",
            body: Body::Json(Kind::Any),
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "create_token",
            path: "/tokens",
            fields: &[body("day", Kind::Date("rfc3339"))],
            body: Body::Json(Kind::Named(TOKEN)),
            op: Op {
                action: Action::Create(TOKENS),
                store: &[("day", "day")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "create_note",
            path: "/notes",
            body: Body::Json(Kind::Any),
            op: Op {
                action: Action::Create(NOTES),
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        },
        Endpoint {
            name: "stamp",
            path: "/stamp",
            fields: &[
                body("at", Kind::DateTime("[year]-[month]-[day] [hour]:[minute]")),
                optional(body("at_utc", Kind::DateTime("rfc3339"))),
                optional(body("n", Kind::StringOrNumber)),
                optional(body("any", Kind::Any)),
                Field {
                    nullable: true,
                    ..optional(body("memo", Kind::String))
                },
                Field {
                    nullable: true,
                    ..body("ref", Kind::String)
                },
                Field {
                    minimum: Some(0),
                    ..optional(body("count", Kind::Integer(Wire::Number)))
                },
                Field {
                    maximum: Some(9),
                    ..optional(body("top", Kind::Integer(Wire::Number)))
                },
            ],
            body: Body::Json(Kind::Any),
            ..Endpoint::DEFAULT
        },
    ],
    types: &[STATUS_T, LEVEL_T, ITEM_T, ORDER_T, TOTALS_T, TOKEN_T],
    resources: &[
        Resource {
            name: "order",
            type_id: ORDER,
            extra: &[Field {
                name: "callback",
                wire: "callback",
                ..Field::DEFAULT
            }],
            id_start: Some(100),
            unique: &["reference"],
            initial: &[
                ("created", "\"{now}\""),
                ("updated_at", "\"{now}\""),
                ("fee", "\"0.10\""),
                ("fee_text", "3"),
                ("extra", "{\"by\": \"{credential.token}\"}"),
            ],
            states: Some(States {
                field: "status",
                initial: "\"new\"",
                events: &[
                    Event {
                        name: "paid",
                        from: &["\"new\""],
                        to: "\"paid\"",
                        set: &[("paid", "\"1\""), ("amount", "\"{amount}\"")],
                        webhook: Some(WebhookSend {
                            webhook: WebhookId(0),
                            url_field: Some("callback"),
                            payload: &[
                                ("id", "\"{id}\""),
                                ("amount", "\"{amount}\""),
                                ("status", "\"{status}\""),
                                ("gone", "\"{nothing}\""),
                            ],
                        }),
                    },
                    Event {
                        name: "void",
                        from: &[],
                        to: "\"void\"",
                        set: &[],
                        webhook: Some(WebhookSend {
                            webhook: WebhookId(1),
                            url_field: None,
                            payload: &[("id", "\"{id}\""), ("note", "null")],
                        }),
                    },
                ],
            }),
            seed: &[r#"{"id": 7, "reference": "SEED", "amount": "5.00", "status": "new"}"#],
            ..Resource::DEFAULT
        },
        Resource {
            name: "token",
            type_id: TOKEN,
            id_field: "token",
            id_start: None,
            id_prefix: "tok_",
            id_digits: 12,
            states: Some(States {
                field: "state",
                initial: "\"fresh\"",
                events: &[Event {
                    name: "use",
                    from: &[],
                    to: "\"used\"",
                    set: &[],
                    webhook: None,
                }],
            }),
            ..Resource::DEFAULT
        },
        Resource {
            name: "note",
            type_id: TOKEN,
            seed: &[r#"{"id": 5}"#, r#"{"id": 2}"#],
            ..Resource::DEFAULT
        },
    ],
    webhooks: &[
        Webhook {
            name: "paid",
            method: Method::Post,
            encoding: Encoding::Form,
            scheme: HOOK_SCHEME,
            fields: &[],
        },
        Webhook {
            name: "voided",
            method: Method::Put,
            encoding: Encoding::Json,
            scheme: JSON_HOOK_SCHEME,
            fields: &[],
        },
    ],
    envelope: Some(Envelope {
        status_field: "result",
        success: "ok",
        error: "fail",
        message_field: "msg",
        data_field: "data",
    }),
    errors: Errors {
        code: Some("error.code"),
        message: Some("error.message"),
        validation_path: Some("error.field"),
        validation_message: Some("error.reason"),
        field_errors: Some("errors"),
        cases: &[
            ErrorCase {
                case: Case::Unauthorized,
                status: 403,
                code: Some("E_AUTH"),
                message: "Access denied",
            },
            ErrorCase {
                case: Case::NotFound,
                status: 404,
                code: None,
                message: "Nothing at {field}",
            },
        ],
        ..Errors::DEFAULT
    },
};

/// The shop's test merchant.
pub fn config() -> Config {
    Config {
        credentials: BTreeMap::from([
            ("token".to_string(), "t0k".to_string()),
            ("key".to_string(), "k3y".to_string()),
        ]),
        webhook_url: None,
        rsa_private_key: None,
        base_url: "http://mock.test".into(),
        limits: Default::default(),
        store: Default::default(),
    }
}

pub const SIGNED: &[Field] = &[
    body("shop", Kind::String),
    body("nonce", Kind::Integer(Wire::Number)),
];

/// A provider with injected credentials and a nonce, and errors of a given shape.
pub const fn plain(errors: Errors, envelope: Option<Envelope>) -> Spec {
    Spec {
        base_path: "",
        provider: "Plain",
        credentials: &[Credential {
            name: "shop",
            default: "s1",
            aliases: &[],
            secret: false,
        }],
        schemes: &[Scheme {
            name: "signed",
            inject: &[
                ("shop", Inject::Credential("shop")),
                ("nonce", Inject::Nonce),
            ],
            ..Scheme::DEFAULT
        }],
        endpoints: &[Endpoint {
            name: "ping",
            path: "/ping",
            scheme: Some(BY_TOKEN),
            fields: SIGNED,
            body: Body::Json(Kind::Any),
            enveloped: true,
            op: Op {
                action: Action::Fixed,
                respond: &[("ok", "true")],
                ..Op::DEFAULT
            },
            ..Endpoint::DEFAULT
        }],
        types: &[],
        resources: &[],
        webhooks: &[],
        envelope,
        errors,
    }
}

pub const ENVELOPE: Envelope = Envelope {
    status_field: "status",
    success: "success",
    error: "error",
    message_field: "message",
    data_field: "data",
};
pub static BARE: Spec = plain(Errors::DEFAULT, None);
pub static CODE_ONLY: Spec = plain(
    Errors {
        code: Some("code"),
        ..Errors::DEFAULT
    },
    None,
);
pub static MESSAGE_ONLY: Spec = plain(
    Errors {
        message: Some("detail"),
        ..Errors::DEFAULT
    },
    None,
);
pub static IN_ENVELOPE: Spec = plain(
    Errors {
        in_envelope: true,
        code: Some("code"),
        ..Errors::DEFAULT
    },
    Some(ENVELOPE),
);
