//! Route facts of Express, Fastify, NestJS, Koa and Hono snippets.

use crate::facts::routes::facts_of;
use crate::facts::service::{Framework, SignalKind, Target};

#[test]
fn placeholder() {
    let facts = facts_of("src/app.js", "const express = require('express');\nconst app = express();\napp.get('/x', (req, res) => res.send('ok'));\n");
    println!("{facts:#?}");
    let _ = (
        Framework::Express,
        SignalKind::Cors,
        Target::Local(String::new()),
    );
}
