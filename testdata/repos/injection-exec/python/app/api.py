"""Jobs API (FastAPI): runs report tools and restores saved sessions."""
import asyncio
import base64
import json
import pickle

from fastapi import FastAPI, Request, UploadFile
from mako.template import Template
from pydantic import BaseModel

app = FastAPI()
TOOLS = {"pdf": "/usr/bin/wkhtmltopdf", "csv": "/usr/local/bin/export-csv"}


class Job(BaseModel):
    tool: str
    target: str


@app.post("/jobs")
async def run_job(job: Job):
    proc = await asyncio.create_subprocess_exec(job.tool, job.target)  # expect: command-injection
    fixed = await asyncio.create_subprocess_exec(TOOLS.get(job.tool, "/bin/false"), "--", job.target)
    return {"pid": proc.pid, "fixed": fixed.pid}


@app.post("/shell")
async def run_shell(command: str):
    proc = await asyncio.create_subprocess_shell(command)  # expect: command-injection
    return {"pid": proc.pid}


@app.post("/session")
async def restore_session(request: Request):
    cookie = request.cookies.get("state", "")
    state = pickle.loads(base64.b64decode(cookie))  # expect: unsafe-deserialization
    signed = json.loads(base64.b64decode(cookie))
    return {"user": state["user"], "signed": signed}


@app.post("/imports")
async def import_items(file: UploadFile):
    data = await file.read()
    items = pickle.loads(data)  # expect: unsafe-deserialization
    checked = json.loads(data)
    return {"items": len(items), "checked": len(checked)}


@app.post("/reports/render")
async def render_report(body: dict):
    layout = body["layout"]
    html = Template(layout).render(title="Report")  # expect: template-injection
    fixed = Template("<h1>${title}</h1>").render(title=body["title"])
    return {"html": html, "fixed": fixed}


@app.get("/formula")
async def formula(expr: str):
    code = compile(expr, "<formula>", "eval")  # expect: code-injection
    return {"value": eval(code)}
