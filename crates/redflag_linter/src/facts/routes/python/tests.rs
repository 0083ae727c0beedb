//! Route facts of FastAPI, Flask, Django/DRF and aiohttp snippets.

use super::super::facts_of;
use crate::facts::service::*;

#[test]
fn smoke() {
    let facts = facts_of("app/main.py", "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/x')\ndef f(limit: int = 20):\n    return 1\n");
    println!("{facts:#?}");
}
