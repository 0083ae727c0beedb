//! `mass-assignment`: a request handler that hands the whole request body to
//! a create or update (`Model.create(req.body)`, `Object.assign(user,
//! req.body)`, `Model.objects.create(**request.data)`, SeaORM
//! `ActiveModel::from_json(body)`), so the client chooses which columns it
//! writes — `role`, `is_admin`, `owner_id`, `price`.
//!
//! Only the *whole* body counts: a copy or spread of it, or a name bound to
//! it. Fields picked one by one, a validated DTO or serializer's output, a
//! Pydantic input model's dump and a typed Rust struct are the fixes and
//! stay quiet, as does a handler that validates the body against a schema
//! first (the schema is the allow-list).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::semantics::request_body::{body_prefilter, handler_at, mass_assignments, read_handler, validation_evidence};
use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::rust_in_test_code;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(MassAssignment { meta: meta() })
}

struct MassAssignment {
    meta: RuleMeta,
}

impl Rule for MassAssignment {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["request", "Body(", "dict", "Dict", "Any"],
            Language::Rust => &["from_json", ".values(", ".set(", "insert_one", "replace_one"],
            _ => &["body", "json", "Body("],
        };
        Some(body_prefilter(language, words))
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kinds: &[&str] = match language {
            Language::Python => &["function_definition"],
            Language::Rust => &["function_item"],
            _ => &["function_declaration", "function_expression", "arrow_function", "method_definition"],
        };
        kinds.iter().map(|k| (*k).to_string()).collect()
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let language = ctx.language();
        if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(handler) = handler_at(file, node, ctx.ancestors) else {
            return;
        };
        let data = read_handler(file, handler);
        let found = mass_assignments(file, language, &data);
        if found.is_empty() || validation_evidence(file, language, &data.handler, ctx.ancestors) {
            return;
        }
        let help = match language {
            Language::Python => "write only the fields the client may set: validate into a dedicated input schema and use its output (`serializer.validated_data`, `form.cleaned_data`, `UserIn.model_validate(data).model_dump(exclude_unset=True)`), or pass named fields (`User.objects.create(name=data[\"name\"], email=data[\"email\"])`)",
            Language::Rust => "deserialise into a typed input struct that lists the writable columns (`Json(input): Json<NewUser>` with `#[derive(Deserialize)]`) and build the `ActiveModel` / `Insertable` from it field by field",
            _ => "write only the fields the client may set: pick them (`{ name: body.name, email: body.email }`, `pick(body, ['name', 'email'])`) or use the output of a schema that strips unknown keys (`const data = UpdateUser.parse(req.body)`, a NestJS DTO with `whitelist: true`)",
        };
        for (range, sink, source) in found {
            ctx.report(
                Diagnostic::new(
                    range,
                    format!(
                        "`{sink}` writes the whole request body `{source}` in {}: the client can set any field of the record (roles, ownership, prices, flags)",
                        data.handler.describe()
                    ),
                )
                .help(help),
            );
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers that pass the whole request body to a create or
update: JavaScript/TypeScript `Model.create(req.body)`, `Model.update(req.body,
…)`, `instance.set(req.body)`, `new Model(req.body)`, `Object.assign(entity,
req.body)`, `{ ...req.body }` spread into written data,
`prisma.x.create({ data: req.body })` / `update({ data: req.body })`,
TypeORM `repository.save(req.body)` / `merge(entity, req.body)`, Mongoose
`findByIdAndUpdate(id, req.body)` / `updateOne(filter, { $set: req.body })`,
Sequelize `bulkCreate`/`build`, Objection `patch`/`insert`; Python
`Model.objects.create(**request.data)`, `Model(**request.json)` for ORM
models, `filter(...).update(**request.POST.dict())`, `update_or_create(defaults=…)`,
SQLAlchemy `query.update(data)` / `insert(...).values(data)` and
`obj.__dict__.update(data)`, `for k, v in data.items(): setattr(obj, k, v)`,
PyMongo `insert_one(data)` / `update_one(f, {"$set": data})`; Rust SeaORM
`ActiveModel::from_json(body)` / `set_from_json(body)` and Diesel
`.values(&body)` / `.set(&body)` with a `Json<Value>` body. Names bound to the
whole body (`const data = req.body`, `data = request.get_json() or {}`,
`const { id, ...changes } = req.body`, FastAPI `payload: dict`, NestJS
`@Body() body: any`) count as the body.

## Why it matters
Checklist TASK-3.1 (all inputs validated) and red flag RF-2, CWE-915. When
the request body is the record, the client decides which columns are
written: `"role": "admin"`, `"isVerified": true`, `"ownerId"` of another
account, `"price": 0`. Fields added to the model later become writable
through every such endpoint without anyone noticing.

## Example
```python
@api_view(["POST"])
def create_account(request):
    account = Account.objects.create(**request.data)
    return Response({"id": account.id}, status=201)
```

## Use instead
```python
@api_view(["POST"])
def create_account(request):
    serializer = AccountSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    account = serializer.save()
    return Response({"id": account.id}, status=201)
```
In JavaScript/TypeScript pick the fields (`{ name: body.name, email:
body.email }`) or write the output of a schema that strips unknown keys
(zod `parse`, a NestJS DTO with `ValidationPipe({ whitelist: true })`). In
Rust deserialise into a typed `NewUser` struct that lists the writable
columns.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. Handlers that validate the body against a schema first are not
reported (the schema decides which fields pass; make it reject or strip
unknown keys). Not seen: the body passed through a helper function or a
service in another file, Python classes whose kind cannot be told from the
file (`Thing(**data)` with `Thing` neither defined nor imported from a
`models` module), and typed Rust structs that mirror a table (the idiomatic
fix, and indistinguishable from a dedicated input struct).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("mass-assignment", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler writes the whole request body into a record, so the client chooses which fields it sets.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "validation"])
        .cwe(&["CWE-915"])
        .security_severity(8.1)
        .docs(DOCS)
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const User = require('../models/user');
            const router = express.Router();

            router.post('/users', async (req, res) => {
              const user = await User.create(req.body);
              res.status(201).json({ id: user.id });
            });

            router.patch('/users/:id', async (req, res) => {
              const user = await User.findById(req.params.id);
              Object.assign(user, req.body);
              await user.save();
              res.json(user);
            });

            router.put('/users/:id', async (req, res) => {
              res.json(await User.findByIdAndUpdate(req.params.id, { $set: req.body }, { new: true }));
            });
            "#,
            3,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const { z } = require('zod');
            const User = require('../models/user');
            const router = express.Router();

            const UserChanges = z.object({ name: z.string().max(100), email: z.string().email() }).partial();

            router.post('/users', async (req, res) => {
              const { name, email } = UserChanges.required().parse(req.body);
              const user = await User.create({ name, email });
              res.status(201).json({ id: user.id });
            });

            router.patch('/users/:id', async (req, res) => {
              const changes = UserChanges.parse(req.body);
              res.json(await User.findByIdAndUpdate(req.params.id, changes, { new: true }));
            });

            router.put('/cache/:key', async (req, res) => {
              res.set('Cache-Control', 'no-store');
              res.json({ ok: true });
            });
            "#,
        )
        .invalid_at(
            FileKind::TypeScript,
            "app/api/signup/route.ts",
            r#"
            import { NextResponse } from 'next/server';

            export async function POST(request: Request) {
              const body = await request.json();
              const user = await prisma.user.create({ data: { ...body, plan: 'free' } });
              return NextResponse.json({ id: user.id }, { status: 201 });
            }
            "#,
            1,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            @Controller('users')
            export class UsersController {
              @Post()
              create(@Body() body: any) {
                return this.users.save(body);
              }
            }
            "#,
            1,
        )
        .valid_at(
            FileKind::TypeScript,
            "app/api/signup/route.ts",
            r#"
            import { NextResponse } from 'next/server';

            export async function POST(request: Request) {
              const parsed = Signup.safeParse(await request.json());
              if (!parsed.success) {
                return NextResponse.json(parsed.error.flatten(), { status: 400 });
              }
              const user = await prisma.user.create({ data: { email: parsed.data.email, plan: 'free' } });
              return NextResponse.json({ id: user.id }, { status: 201 });
            }
            "#,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            @Controller('users')
            export class UsersController {
              @Post()
              create(@Body() dto: CreateUserDto) {
                return this.users.save(this.users.create(dto));
              }
            }
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            from flask import Blueprint, jsonify, request
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            from .models import Account, Product, db

            bp = Blueprint("catalog", __name__)

            @api_view(["POST"])
            def create_account(request):
                account = Account.objects.create(**request.data)
                return Response({"id": account.id}, status=201)

            @bp.route("/products/<int:product_id>", methods=["PATCH"])
            def update_product(product_id):
                product = Product.query.get_or_404(product_id)
                for key, value in request.json.items():
                    setattr(product, key, value)
                db.session.commit()
                return jsonify(id=product.id)

            @bp.route("/products", methods=["POST"])
            def create_product():
                data = request.get_json() or {}
                product = Product(**data)
                db.session.add(product)
                return jsonify(id=product.id), 201
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            from fastapi import Depends, FastAPI
            from pydantic import BaseModel
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            from .models import Subscriber

            app = FastAPI()

            class SubscriberIn(BaseModel):
                email: str
                name: str | None = None

            @api_view(["POST"])
            def create_account(request):
                serializer = AccountSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                account = serializer.save()
                return Response({"id": account.id}, status=201)

            @app.post("/subscribers")
            def create_subscriber(payload: SubscriberIn, db=Depends(get_db)):
                subscriber = Subscriber(**payload.model_dump(exclude_unset=True))
                db.add(subscriber)
                return {"id": subscriber.id}

            @api_view(["POST"])
            def rename(request, pk):
                Account.objects.filter(pk=pk).update(name=request.data["name"][:100])
                return Response(status=204)
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use actix_web::{post, web, HttpResponse};
            use serde_json::Value;

            #[post("/accounts")]
            async fn create_account(db: web::Data<DatabaseConnection>, body: web::Json<Value>) -> HttpResponse {
                let Ok(model) = account::ActiveModel::from_json(body.into_inner()) else {
                    return HttpResponse::BadRequest().finish();
                };
                match model.insert(db.get_ref()).await {
                    Ok(saved) => HttpResponse::Created().json(saved.id),
                    Err(_) => HttpResponse::InternalServerError().finish(),
                }
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use actix_web::{post, web, HttpResponse};
            use sea_orm::Set;
            use serde::Deserialize;

            #[derive(Deserialize)]
            pub struct NewAccount {
                pub email: String,
                pub display_name: String,
            }

            #[post("/accounts")]
            async fn create_account(db: web::Data<DatabaseConnection>, body: web::Json<NewAccount>) -> HttpResponse {
                let input = body.into_inner();
                let model = account::ActiveModel {
                    email: Set(input.email),
                    display_name: Set(input.display_name),
                    ..Default::default()
                };
                match model.insert(db.get_ref()).await {
                    Ok(saved) => HttpResponse::Created().json(saved.id),
                    Err(_) => HttpResponse::InternalServerError().finish(),
                }
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use redflag_syntax::FileKind;

    use crate::engine::findings_of_rule;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("mass-assignment", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn whole_body_aliases_and_rest_patterns_count_picked_fields_do_not() {
        let code = r#"
            router.patch('/users/:id', async (req, res) => {
              const { id, ...changes } = req.body;
              await User.update(changes, { where: { id: req.params.id } });
              res.sendStatus(204);
            });
            "#;
        let found = messages("src/routes/users.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`User.update(…)`"), "{}", found[0]);
        assert!(found[0].contains("`req.body`"), "{}", found[0]);
        let picked = code.replace(
            "const { id, ...changes } = req.body;",
            "const changes = { name: req.body.name, email: req.body.email };",
        );
        assert!(messages("src/routes/users.js", FileKind::JavaScript, &picked).is_empty());
    }

    #[test]
    fn python_class_kind_decides_model_or_schema() {
        let code = r#"
            from .models import Product
            from .schemas import ProductIn

            @bp.route("/products", methods=["POST"])
            def create_product():
                data = request.get_json()
                checked = ProductIn(**data)
                product = Product(**data)
                return jsonify(id=product.id), 201
            "#;
        let found = messages("app/routes.py", FileKind::Python, code);
        // ProductIn validates, and a validated handler is quiet as a whole.
        assert!(found.is_empty(), "{found:?}");
        let unchecked = code.replace("                checked = ProductIn(**data)\n", "");
        let found = messages("app/routes.py", FileKind::Python, &unchecked);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`Product(**…)`"), "{}", found[0]);
    }

    #[test]
    fn hashes_responses_and_local_dicts_are_not_records() {
        let code = r#"
            app.post('/hooks', (req, res) => {
              const digest = crypto.createHmac('sha256', SECRET).update(req.body).digest('hex');
              res.set(req.body);
              res.sendStatus(digest === req.get('x-signature') ? 204 : 401);
            });
            "#;
        assert!(messages("src/hooks.js", FileKind::JavaScript, code).is_empty());
        let python = r#"
            @bp.route("/hooks", methods=["POST"])
            def hook():
                payload = {}
                payload.update(request.get_json())
                return jsonify(payload)
            "#;
        assert!(messages("app/hooks.py", FileKind::Python, python).is_empty());
    }
}
