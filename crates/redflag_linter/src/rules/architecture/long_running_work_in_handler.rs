//! `long-running-work-in-handler`: a request handler that sends email,
//! renders PDFs, processes images and video, or calls out once per item of
//! a loop, itself, and hands nothing to a job queue.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::enclosing_handler;
use crate::semantics::paths::is_test_or_example;
use crate::semantics::handlers::is_function;
use crate::semantics::{callee_path, is_outbound_http_call, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(LongRunningWorkInHandler { meta: meta() })
}

struct LongRunningWorkInHandler {
    meta: RuleMeta,
}

/// Kinds of slow work.
#[derive(Clone, Copy)]
enum Work {
    Email,
    Pdf,
    Image,
    Video,
    /// An outbound call made once per item of a loop.
    FanOut,
}

impl Work {
    fn describe(self) -> &'static str {
        match self {
            Work::Email => "sends email",
            Work::Pdf => "renders a PDF",
            Work::Image => "processes an image",
            Work::Video => "transcodes video",
            Work::FanOut => "makes an outbound call per item of a loop",
        }
    }
}

/// Text that shows the file hands work to a queue (or at least defers it
/// past the response): Celery, RQ, Dramatiq, arq, Huey, Django-Q, FastAPI
/// `BackgroundTasks`; BullMQ, Bull, bee-queue, Agenda, pg-boss; apalis,
/// sqlxmq, fang.
const QUEUE_MARKERS: &[&str] = &[
    "shared_task",
    ".delay(",
    ".apply_async(",
    "send_task(",
    "enqueue",
    "dramatiq",
    "from arq",
    "import arq",
    "huey",
    "django_q",
    "async_task(",
    "BackgroundTasks",
    "add_task(",
    "bullmq",
    "\"bull\"",
    "'bull'",
    "bee-queue",
    "\"agenda\"",
    "'agenda'",
    "pg-boss",
    "apalis",
    "sqlxmq",
    "fang::",
];

fn uses_queue(text: &str) -> bool {
    QUEUE_MARKERS.iter().any(|m| text.contains(m))
}

/// Image operations that make opening an image real processing.
const IMAGE_OPS: &[&str] = &[".resize(", ".thumbnail(", ".save(", ".convert(", ".rotate(", ".crop("];

/// The work a Python call does. `PIL.Image.open` counts only when the
/// handler also resizes or saves: the caller checks [`IMAGE_OPS`].
fn python_work(resolved: &str, call_text: &str) -> Option<Work> {
    match resolved {
        "smtplib.SMTP" | "smtplib.SMTP_SSL" | "django.core.mail.send_mail" | "django.core.mail.send_mass_mail" => {
            Some(Work::Email)
        }
        "PIL.Image.open" => Some(Work::Image),
        "subprocess.run" | "subprocess.call" | "subprocess.check_call" | "subprocess.check_output" | "subprocess.Popen"
            if call_text.contains("ffmpeg") =>
        {
            Some(Work::Video)
        }
        _ if resolved.starts_with("weasyprint.")
            || resolved.starts_with("pdfkit.from_")
            || resolved.starts_with("reportlab.")
            || resolved == "xhtml2pdf.pisa.CreatePDF" =>
        {
            Some(Work::Pdf)
        }
        _ if resolved.starts_with("ffmpeg.") => Some(Work::Video),
        _ => None,
    }
}

fn js_work(file_text: &str, resolved: &str, last: &str) -> Option<Work> {
    match resolved {
        "sharp" | "sharp.default" | "jimp.read" => return Some(Work::Image),
        "fluent-ffmpeg" | "fluent-ffmpeg.default" => return Some(Work::Video),
        "wkhtmltopdf" | "wkhtmltopdf.default" | "html-pdf.create" => return Some(Work::Pdf),
        "@sendgrid/mail.send" | "@sendgrid/mail.default.send" => return Some(Work::Email),
        _ => {}
    }
    match last {
        "sendMail" if file_text.contains("nodemailer") => Some(Work::Email),
        "pdf" if file_text.contains("puppeteer") || file_text.contains("playwright") => Some(Work::Pdf),
        _ => None,
    }
}

/// The work a Rust call does; `image::open` counts only when the handler
/// also resizes or saves (checked by the caller).
fn rust_work(file_text: &str, resolved: &str, method: Option<&str>) -> Option<Work> {
    if let Some(method) = method {
        return (matches!(method, "send") && file_text.contains("lettre")).then_some(Work::Email);
    }
    let image = matches!(resolved, "image::open" | "image::load_from_memory" | "image::ImageReader::open");
    image.then_some(Work::Image)
}

/// The loop around `ancestors`' last node inside its function, when it
/// walks a collection (`for user in users`, `for (const id of ids)`,
/// `ids.forEach(...)`/`.map(...)`, Rust `for x in xs`). Counted loops
/// (`range(3)`, `0..3`) are retries or fixed work, not a fan-out.
fn collection_loop(file: &SourceFile, language: Language, ancestors: &[Node<'_>]) -> bool {
    for (index, node) in ancestors.iter().enumerate().rev() {
        match node.kind() {
            "for_statement" if language == Language::Python => {
                let over = node.child_by_field_name("right").map_or("", |r| file.text_of(r));
                return !over.starts_with("range(");
            }
            "for_in_statement" => return true,
            "for_expression" => {
                let over = node.child_by_field_name("value").map_or("", |r| file.text_of(r));
                return !over.contains("..");
            }
            "list_comprehension" | "generator_expression" | "set_comprehension" => return true,
            kind if is_function(language, kind) => {
                // A callback handed to `forEach`/`map` runs once per item.
                let call = ancestors.get(index.wrapping_sub(2)).filter(|c| c.kind() == "call_expression");
                let method = call
                    .and_then(|c| c.child_by_field_name("function"))
                    .and_then(|f| f.child_by_field_name("property"))
                    .map(|p| file.text_of(p));
                return matches!(method, Some("forEach" | "map" | "flatMap"));
            }
            _ => {}
        }
    }
    false
}

impl LongRunningWorkInHandler {
    /// The slow work a call does, and the path it was recognised by.
    fn work(node: Node<'_>, ctx: &NodeContext<'_>) -> Option<(Work, String)> {
        let file = ctx.file;
        let language = ctx.language();
        if is_outbound_http_call(file, language, node) && collection_loop(file, language, ctx.ancestors) {
            let call = callee_path(file, language, node).unwrap_or_else(|| "send".to_string());
            return Some((Work::FanOut, call));
        }
        if language == Language::Rust {
            // `state.mailer.send(&email)`: a method on a receiver of any shape.
            let method = node
                .child_by_field_name("function")
                .filter(|f| f.kind() == "field_expression")
                .and_then(|f| f.child_by_field_name("field"))
                .map(|f| file.text_of(f));
            if let Some(method) = method {
                let work = rust_work(&file.text, "", Some(method))?;
                return Some((work, format!("lettre::Transport::{method}")));
            }
        }
        let callee = callee_path(file, language, node)?;
        let resolved = file.imports().resolve(&callee);
        let sep = if language == Language::Rust { "::" } else { "." };
        let last = callee.rsplit(sep).next().unwrap_or(&callee);
        let work = match language {
            Language::Python => python_work(&resolved, file.text_of(node)),
            Language::Rust => rust_work(&file.text, &resolved, None),
            _ => js_work(&file.text, &resolved, last),
        }?;
        Some((work, resolved))
    }
}

impl Rule for LongRunningWorkInHandler {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &[
                "smtplib",
                "send_mail",
                "weasyprint",
                "pdfkit",
                "reportlab",
                "xhtml2pdf",
                "PIL",
                "ffmpeg",
                "requests",
                "httpx",
                "aiohttp",
                "client",
                "session",
            ],
            Language::Rust => &["lettre", "image::", "reqwest"],
            _ => &[
                "sendMail",
                "@sendgrid/mail",
                "puppeteer",
                "playwright",
                "wkhtmltopdf",
                "html-pdf",
                "sharp",
                "jimp",
                "ffmpeg",
                "axios",
                "fetch",
                "got",
                "Client",
            ],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = if language == Language::Python { "call" } else { "call_expression" };
        vec![kind.to_string()]
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        // Cheapest first: the call, then the handler, then the file's queue.
        let Some((work, call)) = Self::work(node, ctx) else {
            return;
        };
        if ctx.language() == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(handler) = enclosing_handler(file, ctx.ancestors) else {
            return;
        };
        if matches!(work, Work::Image) && matches!(ctx.language(), Language::Python | Language::Rust) {
            let body = file.text_of(handler.node);
            if !IMAGE_OPS.iter().any(|op| body.contains(op)) {
                return;
            }
        }
        // The handler itself must hand the work off: a queue used by
        // another handler of the file does not take this one's work.
        if uses_queue(file.text_of(handler.node)) {
            return;
        }
        let diagnostic = Diagnostic::new(
            node.byte_range(),
            format!(
                "{} {} (`{call}`) while the client waits, and hands nothing to a job queue: slow or failing work holds the request, its worker and its timeout budget",
                handler.describe(),
                work.describe()
            ),
        )
        .help("enqueue the work and answer at once (`202 Accepted` or a job id): Celery `task.delay(...)`, RQ `queue.enqueue(...)`, Dramatiq/arq; BullMQ `queue.add(...)`, Agenda; apalis in Rust — or at least FastAPI `BackgroundTasks`");
        ctx.report(diagnostic);
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers (routes, views, middleware as the shared handler index
recognises them) that do slow work themselves: send email (`smtplib.SMTP`,
Django `send_mail`/`send_mass_mail`, nodemailer `sendMail`, `@sendgrid/mail`,
`lettre` transports' `send`), render PDFs (`weasyprint`, `pdfkit`, `reportlab`,
`xhtml2pdf`, puppeteer/playwright `page.pdf`, `wkhtmltopdf`, `html-pdf`),
process images (`PIL.Image.open` with `resize`/`thumbnail`/`save` in the
handler, `sharp`, `jimp`, Rust `image::open` with `resize`) or video
(`ffmpeg-python`, `fluent-ffmpeg`, `subprocess` running `ffmpeg`) — in a
handler that hands nothing to a job queue. It also reports a fan-out: an outbound HTTP call
made once per item of a loop over a collection (`for user in users:`,
`for (const o of orders)`, `orders.map(o => axios.post(...))`, Rust
`for x in xs`) — counted loops (`range(3)`, `0..3`) are retries, not
fan-outs.

## Why it matters
Checklist SCOPE-3.2 (event-driven work, nothing long on the request path) and
red flag RF-8. An SMTP server or a PDF renderer takes seconds and sometimes
hangs: the client waits, the worker is held, retries duplicate the work, and
a slow dependency turns into request timeouts for everyone.

## Example
```python
@app.post("/signup")
def signup(form: SignupForm):
    user = create_user(form)
    with smtplib.SMTP(SMTP_HOST, 587) as smtp:
        smtp.send_message(welcome_email(user))
    return {"id": user.id}
```

## Use instead
```python
@app.post("/signup")
def signup(form: SignupForm):
    user = create_user(form)
    send_welcome_email.delay(user.id)  # Celery task
    return {"id": user.id}
```

## Configuration
Select or ignore it by name, `SCOPE-3.2` or `RF-8`. The queue check reads
the handler: a handler that enqueues (Celery `shared_task`/`.delay(`, RQ
`enqueue`, Dramatiq, arq, Huey, Django-Q, FastAPI `BackgroundTasks`, BullMQ,
Bull, bee-queue, Agenda, pg-boss, apalis, sqlxmq, fang) is not reported; a
queue another handler of the file uses does not take this one's work. The
message does not say whether the project has a queue elsewhere. Work done in
helpers the handler calls is not detected yet.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("long-running-work-in-handler", "SCOPE-3.2")
        .red_flag("RF-8")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A request handler sends email, renders a PDF or processes images/video itself instead of handing it to a job queue.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import smtplib
            from email.message import EmailMessage

            from fastapi import FastAPI, UploadFile
            from PIL import Image
            from weasyprint import HTML

            app = FastAPI()

            @app.post("/signup")
            def signup(form: SignupForm):
                user = create_user(form)
                msg = EmailMessage()
                msg["To"] = user.email
                msg["Subject"] = "Welcome"
                with smtplib.SMTP(SMTP_HOST, 587) as smtp:
                    smtp.starttls()
                    smtp.send_message(msg)
                return {"id": user.id}

            @app.get("/invoices/{invoice_id}.pdf")
            def invoice_pdf(invoice_id: int):
                html = render_invoice(invoice_id)
                return Response(HTML(string=html).write_pdf(), media_type="application/pdf")

            @app.post("/avatars")
            async def upload_avatar(file: UploadFile):
                image = Image.open(file.file)
                image.thumbnail((256, 256))
                image.save(f"/srv/avatars/{file.filename}")
                return {"ok": True}
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            from celery import shared_task
            from django.core.mail import send_mail
            from django.http import JsonResponse

            @shared_task(autoretry_for=(Exception,), retry_backoff=True)
            def send_welcome_email(user_id):
                user = User.objects.get(pk=user_id)
                send_mail("Welcome", render_welcome(user), None, [user.email])

            def signup(request):
                user = create_user(request.POST)
                send_welcome_email.delay(user.id)
                return JsonResponse({"id": user.id}, status=201)
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "accounts/views.py",
            r#"
            from django.core.mail import send_mail
            from django.http import JsonResponse

            def signup(request):
                user = create_user(request.POST)
                send_mail("Welcome", render_welcome(user), None, [user.email])
                return JsonResponse({"id": user.id}, status=201)
            "#,
            1,
        )
        .invalid_at(
            FileKind::Python,
            "videos/api.py",
            r#"
            import subprocess

            from flask import Blueprint, request

            bp = Blueprint("videos", __name__)

            @bp.route("/videos", methods=["POST"])
            def upload_video():
                src = save_upload(request.files["video"])
                subprocess.run(["ffmpeg", "-i", src, "-vf", "scale=-2:720", src + ".mp4"], check=True)
                return {"status": "ready"}, 201
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            import smtplib

            from fastapi import BackgroundTasks, FastAPI

            app = FastAPI()

            def send_welcome(address: str) -> None:
                with smtplib.SMTP(SMTP_HOST, 587, timeout=10) as smtp:
                    smtp.send_message(welcome_email(address))

            @app.post("/signup", status_code=201)
            def signup(form: SignupForm, background_tasks: BackgroundTasks):
                user = create_user(form)
                background_tasks.add_task(send_welcome, user.email)
                return {"id": user.id}
            "#,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const puppeteer = require("puppeteer");

            async function renderInvoice(html) {
              const browser = await puppeteer.launch();
              const page = await browser.newPage();
              await page.setContent(html);
              const pdf = await page.pdf({ format: "A4" });
              await browser.close();
              return pdf;
            }

            module.exports = { renderInvoice };
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const puppeteer = require("puppeteer");

            app.get("/invoices/:id.pdf", async (req, res) => {
              const browser = await puppeteer.launch();
              const page = await browser.newPage();
              await page.goto(`${BASE_URL}/invoices/${req.params.id}`, { waitUntil: "networkidle0" });
              res.type("application/pdf").send(await page.pdf({ format: "A4" }));
              await browser.close();
            });
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use actix_web::{post, web, HttpResponse};
            use image::imageops::FilterType;

            #[post("/avatars/{id}")]
            async fn upload_avatar(path: web::Path<u64>, body: web::Bytes) -> HttpResponse {
                let img = image::load_from_memory(&body).unwrap();
                let thumb = img.resize(256, 256, FilterType::Lanczos3);
                thumb.save(format!("/srv/avatars/{}.png", path.into_inner())).unwrap();
                HttpResponse::Created().finish()
            }
            "#,
            1,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import nodemailer from "nodemailer";
            import sharp from "sharp";

            const transporter = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: 587 });
            export const router = express.Router();

            router.post("/password-reset", async (req, res) => {
              const token = await createResetToken(req.body.email);
              await transporter.sendMail({ to: req.body.email, subject: "Reset", text: resetLink(token) });
              res.sendStatus(204);
            });

            router.post("/photos", upload.single("photo"), async (req, res) => {
              const thumb = await sharp(req.file.buffer).resize(320, 240).jpeg().toBuffer();
              res.json({ id: await savePhoto(thumb) });
            });
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import { Queue } from "bullmq";

            const emails = new Queue("emails", { connection: { url: process.env.REDIS_URL } });
            export const router = express.Router();

            router.post("/password-reset", async (req, res) => {
              const token = await createResetToken(req.body.email);
              await emails.add("password-reset", { to: req.body.email, token });
              res.sendStatus(202);
            });
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::{extract::State, Json};
            use lettre::{Message, SmtpTransport, Transport};

            pub async fn invite(State(state): State<AppState>, Json(body): Json<Invite>) -> Json<Invited> {
                let email = Message::builder()
                    .to(body.email.parse().unwrap())
                    .subject("You're invited")
                    .body(invite_text(&body))
                    .unwrap();
                state.mailer.send(&email).unwrap();
                Json(Invited { ok: true })
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use apalis::prelude::*;
            use axum::{extract::State, Json};

            pub async fn invite(State(mut storage): State<RedisStorage<InviteEmail>>, Json(body): Json<Invite>) -> Json<Invited> {
                storage.push(InviteEmail { to: body.email }).await.unwrap();
                Json(Invited { ok: true })
            }
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            import requests
            from flask import Flask, request

            app = Flask(__name__)

            @app.post("/campaigns/<int:campaign_id>/send")
            def send_campaign(campaign_id):
                for subscriber in Subscriber.query.filter_by(campaign_id=campaign_id):
                    requests.post(WEBHOOK_URL, json={"to": subscriber.email}, timeout=5)
                return {"queued": False}
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            import requests
            from flask import Flask

            from .tasks import deliver_campaign

            app = Flask(__name__)

            @app.post("/campaigns/<int:campaign_id>/send")
            def send_campaign(campaign_id):
                deliver_campaign.delay(campaign_id)
                return {"queued": True}, 202

            @app.get("/rates")
            def rates():
                for attempt in range(3):
                    resp = requests.get(RATES_URL, timeout=5)
                    if resp.ok:
                        return resp.json()
                return {"error": "unavailable"}, 503
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import axios from "axios";

            const router = express.Router();

            router.post("/orders/sync", async (req, res) => {
              const orders = await Order.findAll({ where: { synced: false } });
              await Promise.all(orders.map((order) => axios.post(`${ERP_URL}/orders`, order, { timeout: 5000 })));
              for (const order of orders) {
                await fetch(`${CRM_URL}/deals`, { method: "POST", body: JSON.stringify(order), signal: AbortSignal.timeout(5000) });
              }
              res.json({ synced: orders.length });
            });
            "#,
            2,
        )
}
