"""Media service (Flask): thumbnails, reports and e-mail previews."""
import os
import pickle
import shlex
import subprocess

import yaml
from flask import Flask, jsonify, render_template, render_template_string, request
from jinja2 import Environment
from jinja2.sandbox import SandboxedEnvironment
from werkzeug.utils import secure_filename

app = Flask(__name__)
emails = Environment(autoescape=True)
sandbox = SandboxedEnvironment(autoescape=True)
GREETING = "<h1>Hello {{ name }}!</h1>"


@app.post("/thumbnails")
def thumbnail():
    name = request.json["file"]
    os.system(f"convert uploads/{name} -resize 200x200 thumbs/{name}")  # expect: command-injection
    safe = secure_filename(name)
    subprocess.run(["convert", f"uploads/{safe}", "-resize", "200x200", f"thumbs/{safe}"], check=True)
    return jsonify(ok=True)


@app.get("/ping")
def ping():
    host = request.args.get("host", "localhost")
    out = subprocess.check_output(f"ping -c 1 {host}", shell=True, timeout=5)  # expect: command-injection
    quoted = subprocess.check_output(f"ping -c 1 {shlex.quote(host)}", shell=True, timeout=5)
    plain = subprocess.check_output(["ping", "-c", "1", "--", host], timeout=5)
    return out + quoted + plain


@app.post("/archive")
def archive():
    folder = request.form["folder"]
    subprocess.run(["bash", "-c", "tar -czf /tmp/out.tgz " + folder], check=True)  # expect: command-injection
    subprocess.run(["bash", "-c", 'tar -czf /tmp/out.tgz -- "$1"', "bash", folder], check=True)
    args = ["tar", "-czf", "/tmp/out.tgz", "--"]
    args.append(folder)
    subprocess.run(args, check=True)
    return jsonify(ok=True)


@app.post("/calc")
def calc():
    body = request.get_json()
    result = eval(body["expression"])  # expect: code-injection
    exact = float(body["a"]) + float(body["b"])
    return jsonify(result=result, exact=exact)


@app.post("/models")
def upload_model():
    upload = request.files["model"]
    model = pickle.loads(upload.read())  # expect: unsafe-deserialization
    config = yaml.load(request.data, Loader=yaml.Loader)  # expect: unsafe-deserialization
    settings = yaml.safe_load(request.data)
    return jsonify(classes=list(model.classes_), config=config, settings=settings)


@app.get("/greet")
def greet():
    name = request.args.get("name", "guest")
    page = render_template_string(f"<h1>Hello {name}!</h1>")  # expect: template-injection
    fixed = render_template_string(GREETING, name=name)
    return page + fixed + render_template("greet.html", name=name)


@app.post("/emails/preview")
def preview_email():
    draft = request.get_json()["template"]
    risky = emails.from_string(draft).render(user={"name": "Ada"})  # expect: template-injection
    return risky + sandbox.from_string(draft).render(user={"name": "Ada"})


def nightly_cleanup(days):
    # Not a handler: the argument comes from the scheduler.
    os.system(f"find /tmp/uploads -mtime +{days} -delete")
