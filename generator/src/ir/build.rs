//! The "annotate" pass: a validated spec becomes an [`Api`] with every name, type, default
//! and recipe resolved.

use heck::ToPascalCase;

use super::naming::{field_ident, lib_name, type_ident};
use super::*;
use crate::spec::Loaded;
use crate::spec::located::Sp;
use crate::spec::model::{self as m, BodyKind, EnumRepr, Map, Message};
use crate::spec::types::{self, Scalar, TypeExpr};
use crate::spec::validate::{auth_of, encoding_of, method_of, param_in, wire_name};

/// A reference the validator should have refused but did not: a bug of payspec, reported
/// instead of guessed around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The spec, relative to the repository root.
    pub spec_file: String,
    /// What could not be resolved.
    pub message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} (the validator accepted it: this is a payspec bug)",
            self.spec_file, self.message
        )
    }
}

impl std::error::Error for BuildError {}

/// Builds the IR of a spec that passed validation. `spec_file` is its path relative to the
/// repository root, as it appears in `@generated` headers.
pub fn build(loaded: &Loaded, spec_file: &str) -> Result<Api, BuildError> {
    let unresolved = |what: &str, name: &str| BuildError {
        spec_file: spec_file.to_string(),
        message: format!("{what} `{name}` does not exist"),
    };
    let spec = &loaded.spec;
    let mut b = Builder {
        spec,
        dates: Vec::new(),
    };
    let p = &spec.provider;
    let schemes: Vec<Scheme> = spec.auth.iter().map(|(n, s)| scheme(n, s)).collect();
    let scheme_index = |name: &str| schemes.iter().position(|s| s.name == name).map(SchemeId);

    let mut types = Vec::new();
    for (name, def) in &spec.types {
        types.push(b.type_decl(name, def));
    }
    let mut endpoints = Vec::new();
    for (name, e) in &spec.endpoints {
        let scheme = auth_of(spec, e).and_then(|a| scheme_index(&a.value));
        endpoints.push(b.endpoint(name, e, scheme));
    }
    let mut webhooks = Vec::new();
    for (name, w) in &spec.webhooks {
        webhooks.push(Webhook {
            name: name.clone(),
            type_name: type_ident(name),
            summary: w.summary.value.clone(),
            doc: doc_of(Some(&w.summary), w.description.as_ref(), w.note.as_ref()),
            encoding: w.encoding.value.into(),
            method: w.method.as_ref().map_or(Method::Post, |m| m.value.into()),
            scheme: scheme_index(&w.auth.value)
                .ok_or_else(|| unresolved("auth scheme", &w.auth.value))?,
            discriminator: match &w.discriminator {
                Some(d) => {
                    let f = w
                        .fields
                        .get(&d.field.value)
                        .ok_or_else(|| unresolved("webhook field", &d.field.value))?;
                    Some(Discriminator {
                        wire: wire_name(&d.field.value, f).to_string(),
                        values: d.values.iter().map(|v| v.value.clone()).collect(),
                    })
                }
                None => None,
            },
            reply: {
                let r = w.reply.as_ref();
                Reply {
                    status: r.and_then(|r| r.status.as_ref()).map_or(200, |s| s.value),
                    content_type: r
                        .and_then(|r| r.content_type.as_ref())
                        .map(|c| c.value.clone()),
                    body: r
                        .and_then(|r| r.body.as_ref())
                        .map(|b| b.value.clone())
                        .unwrap_or_default(),
                    doc: r
                        .and_then(|r| r.note.as_ref())
                        .map(|n| n.value.clone())
                        .unwrap_or_default(),
                }
            },
            fields: b.fields(&w.fields, None),
            examples: w.examples.iter().map(|x| example(x)).collect(),
        });
    }
    let used: Vec<&Scheme> = endpoints
        .iter()
        .filter_map(|e| e.scheme)
        .filter_map(|i| schemes.get(i.0))
        .collect();
    let credentials = spec
        .credentials
        .iter()
        .map(|(n, c)| Credential {
            name: n.clone(),
            ident: field_ident(n),
            doc: doc_of(Some(&c.description), None, c.note.as_ref()),
            secret: c.secret,
            example: c.example.as_ref().map(|e| e.value.clone()),
            aliases: c.aliases.iter().map(|a| a.value.clone()).collect(),
            for_client: used.iter().any(|s| s.credentials.contains(n)),
        })
        .collect();
    let mock = match &spec.mock {
        Some(mk) => Some(
            b.mock(mk, &endpoints, &webhooks)
                .map_err(|(what, name)| unresolved(what, &name))?,
        ),
        None => None,
    };
    let mut api = Api {
        spec_file: spec_file.to_string(),
        name: p.name.value.clone(),
        crate_name: p.crate_name.value.clone(),
        lib_name: lib_name(&p.crate_name.value),
        description: p
            .description
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or_default(),
        base_url: p.base_url.value.clone(),
        sandbox_url: p.sandbox_url.as_ref().map(|s| s.value.clone()),
        payment_page: p.payment_page.as_ref().map(|page| PaymentPage {
            link: page.value.link.as_ref().and_then(|l| {
                l.value
                    .split_once('.')
                    .map(|(e, f)| (e.to_string(), f.to_string()))
            }),
            note: page
                .value
                .note
                .as_ref()
                .map(|n| n.value.clone())
                .unwrap_or_default(),
        }),
        version: p
            .version
            .as_ref()
            .map_or_else(|| DEFAULT_VERSION.to_string(), |v| v.value.clone()),
        changelog: spec
            .changelog
            .iter()
            .map(|r| Release {
                version: r.version.value.clone(),
                changes: r.changes.iter().map(|c| c.value.clone()).collect(),
            })
            .collect(),
        docs: p
            .docs
            .iter()
            .map(|d| DocLink {
                title: d.title.value.clone(),
                location: d.url.as_ref().or(d.file.as_ref()).map(|x| x.value.clone()),
            })
            .collect(),
        credentials,
        schemes,
        types,
        endpoints,
        webhooks,
        envelope: spec.envelope.as_ref().map(|e| Envelope {
            status_field: e.status_field.value.clone(),
            success: e.success.value.clone(),
            error: e.error.value.clone(),
            message_field: e.message_field.value.clone(),
            data_field: e.data_field.value.clone(),
        }),
        errors: errors(&spec.errors),
        date_formats: b.dates,
        mock,
        needs: Needs::default(),
    };
    api.needs = needs(&api);
    Ok(api)
}

/// A condition with the field it looks at named by its wire name.
fn condition(fields: &Map<m::Field>, c: &m::Condition) -> Condition {
    let field = fields
        .get(&c.field.value)
        .map(|f| wire_name(&c.field.value, f).to_string())
        .unwrap_or_else(|| c.field.value.clone());
    let (values, negate) = if c.not_in.is_empty() {
        (&c.is_in, false)
    } else {
        (&c.not_in, true)
    };
    Condition {
        field,
        values: values.iter().map(|v| v.value.clone()).collect(),
        negate,
    }
}

struct Builder<'s> {
    spec: &'s m::Spec,
    dates: Vec<DateFormat>,
}

impl Builder<'_> {
    fn type_decl(&mut self, name: &str, def: &m::TypeDef) -> TypeDecl {
        let doc = doc_of(None, def.description.as_ref(), def.note.as_ref());
        let kind = match (&def.fields, &def.enum_repr) {
            (Some(fields), _) => TypeKind::Object(self.fields(fields, None)),
            (None, repr) => TypeKind::Enum {
                integer: repr.as_ref().is_some_and(|r| r.value == EnumRepr::Integer),
                variants: def
                    .values
                    .iter()
                    .map(|v| {
                        let wire = v.value.value.value.clone();
                        let name = v
                            .name
                            .as_ref()
                            .map(|n| n.value.clone())
                            .unwrap_or_else(|| wire.to_lowercase());
                        Variant {
                            ident: type_ident(&name),
                            wire,
                            doc: v
                                .description
                                .as_ref()
                                .map(|d| d.value.clone())
                                .unwrap_or_default(),
                        }
                    })
                    .collect(),
            },
        };
        TypeDecl {
            name: type_ident(name),
            doc,
            kind,
        }
    }

    /// Fields of an object, request or webhook. `endpoint` resolves where request fields travel.
    fn fields(&mut self, fields: &Map<m::Field>, endpoint: Option<&m::Endpoint>) -> Vec<Field> {
        fields
            .iter()
            .map(|(name, f)| {
                let location = match endpoint {
                    Some(e) => param_in(self.spec, e, f),
                    None => m::ParamIn::Body,
                }
                .into();
                Field {
                    name: name.clone(),
                    ident: field_ident(name),
                    wire: wire_name(name, f).to_string(),
                    doc: doc_of(None, f.description.as_ref(), f.note.as_ref()),
                    ty: self.field_ty(f),
                    optional: f.optional,
                    nullable: f.nullable,
                    location,
                    limits: Limits {
                        min_length: f.min_length.as_ref().map(|v| v.value),
                        max_length: f.max_length.as_ref().map(|v| v.value),
                        pattern: f.pattern.as_ref().map(|v| v.value.clone()),
                        minimum: f.minimum.as_ref().map(|v| v.value),
                        maximum: f.maximum.as_ref().map(|v| v.value),
                        exclusive_minimum: f.exclusive_minimum.as_ref().map(|v| v.value),
                        exclusive_maximum: f.exclusive_maximum.as_ref().map(|v| v.value),
                        allowed: f.allowed.iter().map(|v| v.value.clone()).collect(),
                        constant: f.constant.as_ref().map(|v| v.value.clone()),
                        required_if: f.required_if.as_ref().map(|c| condition(fields, c)),
                        forbidden_if: f.forbidden_if.as_ref().map(|c| condition(fields, c)),
                    },
                    aliases: f.aliases.iter().map(|v| v.value.clone()).collect(),
                }
            })
            .collect()
    }

    fn field_ty(&mut self, f: &m::Field) -> Ty {
        let expr = types::of_field(self.spec, f).unwrap_or(TypeExpr::Scalar(Scalar::Any));
        let wire = f.wire.as_ref().map(|w| w.value);
        let format = f.format.as_ref().map(|x| x.value.as_str());
        self.ty(&expr, wire, format)
    }

    fn ty(&mut self, expr: &TypeExpr, wire: Option<m::Wire>, format: Option<&str>) -> Ty {
        let num = match wire {
            None | Some(m::Wire::Number) => NumWire::Number,
            Some(m::Wire::String) => NumWire::String,
            Some(m::Wire::NumberOrString) => NumWire::NumberOrString,
            Some(m::Wire::StringOrNumber) => NumWire::StringOrNumber,
        };
        match expr {
            TypeExpr::Scalar(s) => match s {
                Scalar::String if wire.is_some() => Ty::StringOrNumber,
                Scalar::String => Ty::String,
                Scalar::Integer | Scalar::MinorUnits => Ty::Integer(num),
                Scalar::Boolean => Ty::Bool,
                Scalar::Decimal => Ty::Decimal(num),
                Scalar::Date => Ty::Date(
                    self.date_format(format.unwrap_or("[year]-[month]-[day]"), DateKind::Date),
                ),
                Scalar::DateTime => {
                    let f = format.unwrap_or("rfc3339");
                    let kind = if f == "rfc3339" || f.contains("[offset") {
                        DateKind::Offset
                    } else {
                        DateKind::Primitive
                    };
                    Ty::DateTime(self.date_format(f, kind))
                }
                Scalar::Any => Ty::Any,
            },
            TypeExpr::Named(n) => Ty::Named(type_ident(n)),
            TypeExpr::Array(i) => Ty::Array(Box::new(self.ty(i, wire, format))),
            TypeExpr::Map(i) => Ty::Map(Box::new(self.ty(i, wire, format))),
        }
    }

    fn date_format(&mut self, format: &str, kind: DateKind) -> DateFormatId {
        if let Some(i) = self
            .dates
            .iter()
            .position(|d| d.format == format && d.kind == kind)
        {
            return DateFormatId(i);
        }
        let ident = match (format, kind) {
            ("rfc3339", _) => "Rfc3339Format".to_string(),
            (_, DateKind::Date) => format!("DateFormat{}", self.dates.len() + 1),
            _ => format!("DateTimeFormat{}", self.dates.len() + 1),
        };
        self.dates.push(DateFormat {
            ident,
            format: format.to_string(),
            kind,
        });
        DateFormatId(self.dates.len() - 1)
    }

    fn endpoint(&mut self, name: &str, e: &m::Endpoint, scheme: Option<SchemeId>) -> Endpoint {
        let method: Method = method_of(self.spec, e).into();
        let empty = Map::default();
        let fields = e.request.as_ref().map(|r| &r.fields).unwrap_or(&empty);
        let r = &e.response;
        let body = match r.body.as_ref().map(|b| b.value).unwrap_or(BodyKind::Json) {
            BodyKind::Json => {
                let expr =
                    r.ty.as_ref()
                        .and_then(|t| {
                            types::resolve(self.spec, t, r.items.as_ref(), r.values.as_ref()).ok()
                        })
                        .unwrap_or(TypeExpr::Scalar(Scalar::Any));
                ResponseBody::Json(self.ty(&expr, None, None))
            }
            BodyKind::Empty => ResponseBody::Empty,
            BodyKind::Binary => {
                ResponseBody::Binary(r.content_types.iter().map(|c| c.value.clone()).collect())
            }
        };
        let content_type_from = r.content_type_from.as_ref().map(|from| {
            let wire = fields
                .get(&from.value.field.value)
                .map(|f| wire_name(&from.value.field.value, f).to_string())
                .unwrap_or_else(|| from.value.field.value.clone());
            let types = from
                .value
                .types
                .iter()
                .map(|(v, t)| (v.clone(), t.value.clone()))
                .collect();
            (wire, types)
        });
        Endpoint {
            name: name.to_string(),
            fn_ident: field_ident(name),
            summary: e.summary.value.clone(),
            doc: doc_of(Some(&e.summary), e.description.as_ref(), e.note.as_ref()),
            method,
            method_name: method.as_str().to_string(),
            path: e.path.value.clone(),
            request: Request {
                name: format!("{}Request", name.to_pascal_case()),
                encoding: encoding_of(self.spec, e).into(),
                fields: self.fields(fields, Some(e)),
                one_of_required: e
                    .request
                    .as_ref()
                    .map(|r| r.one_of_required.iter().map(|n| n.value.clone()).collect())
                    .unwrap_or_default(),
            },
            response: Response {
                status: r.status.as_ref().map(|s| s.value).unwrap_or(200),
                body,
                enveloped: self.spec.envelope.is_some()
                    && r.envelope.as_ref().is_none_or(|v| v.value),
                content_type_from,
            },
            scheme,
            examples: e.examples.iter().map(|x| example(x)).collect(),
        }
    }

    /// The mock's resources and operations; an unresolved name is `Err((what, name))`.
    fn mock(
        &mut self,
        mk: &m::Mock,
        endpoints: &[Endpoint],
        webhooks: &[Webhook],
    ) -> Result<Mock, (&'static str, String)> {
        let res_names: Vec<&String> = mk.resources.keys().collect();
        let resource_id = |name: &str| {
            res_names
                .iter()
                .position(|n| *n == name)
                .map(ResourceId)
                .ok_or(("mock resource", name.to_string()))
        };
        let webhook_id = |name: &str| {
            webhooks
                .iter()
                .position(|h| h.name == name)
                .map(WebhookId)
                .ok_or(("webhook", name.to_string()))
        };
        let mut resources = Vec::new();
        for (name, r) in &mk.resources {
            let mut fields = self
                .spec
                .types
                .get(&r.ty.value)
                .and_then(|d| d.fields.as_ref())
                .map(|f| self.fields(f, None))
                .unwrap_or_default();
            fields.extend(self.fields(&r.extra, None));
            let states = match &r.states {
                Some(s) => {
                    let mut events = Vec::new();
                    for (en, ev) in &s.events {
                        let webhook = match &ev.webhook {
                            Some(w) => Some(WebhookSend {
                                webhook: webhook_id(&w.name.value)?,
                                url_field: w.url_field.as_ref().map(|u| u.value.clone()),
                                payload: pairs(&w.payload),
                            }),
                            None => None,
                        };
                        events.push(Event {
                            name: en.clone(),
                            from: ev.from.iter().map(|v| v.value.clone()).collect(),
                            to: ev.to.value.clone(),
                            set: pairs(&ev.set),
                            webhook,
                        });
                    }
                    Some(States {
                        field: s.field.value.clone(),
                        initial: s.initial.value.clone(),
                        events,
                    })
                }
                None => None,
            };
            resources.push(Resource {
                name: name.clone(),
                type_name: type_ident(&r.ty.value),
                fields,
                id_field: r.id.field.value.clone(),
                id_style: r.id.style.value.into(),
                id_start: r.id.start.as_ref().map(|s| s.value).unwrap_or(1),
                id_prefix: r
                    .id
                    .prefix
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default(),
                id_digits: r.id.digits.as_ref().map(|s| s.value).unwrap_or(16),
                unique: r.unique.iter().map(|u| u.value.clone()).collect(),
                initial: pairs(&r.initial),
                seed: r
                    .seed
                    .iter()
                    .map(|rec| {
                        serde_json::Value::Object(
                            rec.iter()
                                .map(|(k, v)| (k.clone(), v.value.clone()))
                                .collect(),
                        )
                    })
                    .collect(),
                states,
            });
        }
        let sum = |s: &Sp<m::Sum>| -> Result<Sum, (&'static str, String)> {
            Ok(Sum {
                resource: resource_id(&s.resource.value)?,
                field: s.field.value.clone(),
                filter: pairs(&s.filter),
            })
        };
        let mut operations = Vec::new();
        for (name, op) in &mk.operations {
            let endpoint = endpoints
                .iter()
                .position(|e| e.name == *name)
                .map(EndpointId)
                .ok_or(("endpoint", name.clone()))?;
            let resource = || match &op.resource {
                Some(r) => resource_id(&r.value),
                None => Err(("resource of the operation", name.clone())),
            };
            let action = match op.action.value {
                m::Action::Create => Action::Create(resource()?),
                m::Action::Read => Action::Read(resource()?),
                m::Action::List => Action::List(resource()?),
                m::Action::Update => Action::Update(resource()?),
                m::Action::Fire => Action::Fire(resource()?),
                m::Action::Totals => Action::Totals,
                m::Action::Fixed => Action::Fixed,
            };
            let mut totals = Vec::new();
            for (f, t) in &op.totals {
                totals.push(Total {
                    field: f.clone(),
                    add: t.add.iter().map(sum).collect::<Result<_, _>>()?,
                    subtract: t.subtract.iter().map(sum).collect::<Result<_, _>>()?,
                    group_by: t.group_by.as_ref().map(|g| g.value.clone()),
                    opening: t
                        .opening
                        .iter()
                        .map(|(k, v)| (k.clone(), v.value.clone()))
                        .collect(),
                });
            }
            operations.push(Operation {
                endpoint,
                action,
                store: op
                    .store
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect(),
                lookup: op
                    .lookup
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value.clone()))
                    .collect(),
                page: op.page.as_ref().map(|p| p.value.clone()),
                page_size: op.page_size.as_ref().map(|p| p.value).unwrap_or(50),
                event: op.event.as_ref().map(|e| e.value.clone()),
                respond: pairs(&op.respond),
                totals,
            });
        }
        Ok(Mock {
            private_key: mk.private_key.as_ref().map(|k| k.value.clone()),
            resources,
            operations,
        })
    }
}

fn pairs(
    m: &indexmap::IndexMap<String, crate::spec::Sp<serde_json::Value>>,
) -> Vec<(String, serde_json::Value)> {
    m.iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

fn example(x: &m::Example) -> Example {
    Example {
        source: x
            .source
            .as_ref()
            .map(|s| {
                s.0.iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        request: x.request.as_ref().map(|r| r.value.clone()),
        status: x.status.as_ref().map(|s| s.value),
        response: x.response.as_ref().map(|r| r.value.clone()),
    }
}

fn scheme(name: &str, s: &m::AuthScheme) -> Scheme {
    let mut creds: Vec<String> = Vec::new();
    let mut add = |c: &str| {
        if !creds.iter().any(|x| x == c) {
            creds.push(c.to_string());
        }
    };
    let part = |p: &m::Part| -> Part {
        if let Some(f) = &p.field {
            Part::Field {
                wire: f.value.clone(),
                format: p.format.as_ref().map(|x| x.value.into()),
            }
        } else if let Some(c) = &p.credential {
            Part::Credential(c.value.clone())
        } else {
            Part::Literal(
                p.literal
                    .as_ref()
                    .map(|l| l.value.clone())
                    .unwrap_or_default(),
            )
        }
    };
    let inject: Vec<Injected> = s
        .inject
        .iter()
        .map(|(wire, src)| Injected {
            wire: wire.clone(),
            source: match &src.value {
                m::Injected::Credential(c) => InjectSource::Credential(c.value.clone()),
                m::Injected::Nonce(n) => InjectSource::Nonce(n.value.into()),
            },
        })
        .collect();
    for i in &inject {
        if let InjectSource::Credential(c) = &i.source {
            add(c);
        }
    }
    let token = s.token.as_ref().map(|t| Token {
        credential: t.credential.value.clone(),
        query: t.query.as_ref().map(|q| q.value.clone()),
        header: t.header.as_ref().map(|h| h.value.clone()),
    });
    if let Some(t) = &token {
        add(&t.credential);
    }
    let basic = s.basic.as_ref().map(|b| Basic {
        username: b.username.value.clone(),
        password: b.password.value.clone(),
    });
    if let Some(b) = &basic {
        add(&b.username);
        add(&b.password);
    }
    let signature = s.signature.as_ref().map(|sig| {
        let message = match &sig.message.value {
            Message::Body => SignedMessage::Body,
            Message::Parts(ps) => SignedMessage::Parts(ps.iter().map(|p| part(p)).collect()),
            Message::SortedFields(sf) => SignedMessage::SortedFields {
                append: sf.append.iter().map(|p| part(p)).collect(),
            },
        };
        Signature {
            algorithm: sig.algorithm.value.into(),
            key: sig.key.as_ref().map(|k| k.value.clone()),
            message,
            encoding: sig.encoding.value.into(),
            header: sig.header.as_ref().map(|h| h.value.clone()),
            template: sig
                .template
                .as_ref()
                .map(|t| t.value.clone())
                .unwrap_or_else(|| "{signature}".into()),
            field: sig.field.as_ref().map(|f| f.value.clone()),
        }
    });
    if let Some(sig) = &signature {
        if let Some(k) = &sig.key {
            add(k);
        }
        let parts: Vec<&Part> = match &sig.message {
            SignedMessage::Parts(p) => p.iter().collect(),
            SignedMessage::SortedFields { append } => append.iter().collect(),
            SignedMessage::Body => Vec::new(),
        };
        for p in parts {
            if let Part::Credential(c) = p {
                add(c);
            }
        }
    }
    Scheme {
        name: name.to_string(),
        inject,
        token,
        basic,
        signature,
        credentials: creds,
    }
}

fn errors(e: &m::ErrorModel) -> Errors {
    let path = |p: &Option<crate::spec::Sp<String>>| {
        p.as_ref()
            .map(|p| p.value.split('.').map(str::to_string).collect())
    };
    let default_status = if e.in_envelope { 200 } else { 400 };
    Errors {
        doc: doc_of(None, e.description.as_ref(), e.note.as_ref()),
        in_envelope: e.in_envelope,
        redirect_is_error: e.redirect_is_error.as_ref().is_some_and(|v| v.value),
        code: path(&e.code),
        message: path(&e.message),
        validation_path: path(&e.validation_path),
        validation_message: path(&e.validation_message),
        field_errors: path(&e.field_errors),
        retryable_statuses: e
            .statuses
            .iter()
            .filter(|(_, s)| s.retryable)
            .map(|(k, _)| *k)
            .collect(),
        documented: e
            .statuses
            .iter()
            .map(|(k, s)| DocumentedStatus {
                status: *k,
                description: s.description.value.clone(),
                codes: s.codes.iter().map(|c| c.value.clone()).collect(),
            })
            .collect(),
        type_name: e.ty.as_ref().map(|t| type_ident(&t.value)),
        cases: e
            .cases
            .iter()
            .map(|(case, r)| ErrorCase {
                case: (*case).into(),
                status: r.status.as_ref().map(|s| s.value).unwrap_or(default_status),
                code: r.code.as_ref().map(|c| c.value.clone()),
                message: r.message.value.clone(),
            })
            .collect(),
    }
}

fn needs(api: &Api) -> Needs {
    Needs {
        rsa: api.schemes.iter().any(|s| {
            s.signature
                .as_ref()
                .is_some_and(|sig| sig.algorithm == Algorithm::RsaSha256)
        }),
        nonce: api
            .schemes
            .iter()
            .flat_map(|s| &s.inject)
            .any(|i| matches!(i.source, InjectSource::Nonce(_))),
    }
}

/// Doc text: summary, description, then the note marked as a decision.
fn doc_of(
    summary: Option<&crate::spec::Sp<String>>,
    description: Option<&crate::spec::Sp<String>>,
    note: Option<&crate::spec::Sp<String>>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = summary {
        parts.push(s.value.trim().to_string());
    }
    if let Some(d) = description {
        parts.push(d.value.trim().to_string());
    }
    if let Some(n) = note {
        parts.push(format!("Note: {}", n.value.trim()));
    }
    parts.join("\n\n")
}
