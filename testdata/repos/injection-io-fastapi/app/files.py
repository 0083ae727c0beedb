"""Stored files: per route the traversal beside its idiomatic fix."""
import os
import shutil
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter()
STORAGE = Path("/srv/documents").resolve()


@router.get("/raw/{name}")
async def raw(name: str):
    return FileResponse(os.path.join(STORAGE, name))  # expect: path-traversal


@router.get("/safe/{name}")
async def safe(name: str):
    return FileResponse(STORAGE / os.path.basename(name))


@router.get("/text")
def text(path: str):
    with open(f"{STORAGE}/{path}", encoding="utf-8") as fh:  # expect: path-traversal
        return {"text": fh.read()}


@router.get("/text/safe")
def text_safe(path: str):
    target = (STORAGE / path).resolve()
    if not target.is_relative_to(STORAGE):
        raise HTTPException(status_code=404)
    return {"text": target.read_text(encoding="utf-8")}


@router.get("/notes/{name}")
def note(name: str):
    return {"text": (STORAGE / "notes" / name).read_text(encoding="utf-8")}  # expect: path-traversal


@router.delete("/folders/{folder}", status_code=204)
def delete_folder(folder: str):
    shutil.rmtree(STORAGE / "folders" / folder)  # expect: path-traversal


@router.delete("/{document_id}", status_code=204)
def delete_document(document_id: int):
    os.remove(STORAGE / f"{document_id}.pdf")
