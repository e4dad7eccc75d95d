"""The /data page's HTTP side: receiving a file, starting its import job, handing files back.

The file comes as a plain multipart POST (the browser's own file picker and drop target, no
base64 through a callback): refused by size before its body is parsed, stored, and its import
started in a process of its own (data_access/jobs.py) so that the web workers keep
answering. The page then follows the job (callbacks/data_entry.py).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, redirect, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from callbacks.context import AppContext
from dashboard.config import Settings
from data_access import access
from data_access.audit import record_request
from data_access.db import has_schema
from data_access.importing.template import write_template
from data_access.importing.templates import TEMPLATES
from data_access.jobs import start_job
from data_access.uploads import (
    UploadRefused,
    create_upload,
    problems_frame,
    templates_for_viewer,
    upload_file,
    upload_status,
)

NOT_FOUND = "没有这个文件，或无权查看\nno such file, or not yours\n"


def _back(**query: str) -> ResponseReturnValue:
    # The page's language comes in the form's address: the body of a refused form is not read.
    if request.args.get("lang") == "en":
        query["lang"] = "en"
    return redirect(f"/data?{urlencode(query)}", code=303)


def _drain(length: int, limit: int) -> None:
    """Reads and drops a refused body that is not far over the limit, so that the browser,
    still sending, gets the answer rather than a reset connection; a body far over is left
    (the connection is then closed on it)."""
    if length > 4 * limit:
        return
    stream = request.environ["wsgi.input"]
    while length > 0:
        chunk = stream.read(min(length, 1 << 20))
        if not chunk:
            return
        length -= len(chunk)


def _not_found() -> Response:
    return Response(NOT_FOUND, status=404, mimetype="text/plain; charset=utf-8")


def register(server: Flask, context: AppContext, settings: Settings) -> None:
    limit = settings.upload_max_mb * 1024 * 1024

    def limit_upload() -> None:
        # Werkzeug then refuses the body by its declared size (413) before the form, the CSRF
        # token's included, is parsed: placed before every other hook, CSRF's among them.
        if request.path == "/data/upload":
            request.max_content_length = limit

    server.before_request_funcs.setdefault(None, []).insert(0, limit_upload)

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
        if request.path != "/data/upload":
            return error
        record_request(context.engine, "import",
                       f"upload refused: {request.content_length} bytes", "refused")
        _drain(request.content_length or 0, limit)
        return _back(error="too_large")

    @server.post("/data/upload")
    def receive_upload() -> ResponseReturnValue:
        if not access.has_role(("admin", "township")):
            record_request(context.engine, "import", "upload refused: role", "refused")
            return _back(error="role")
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            return _back(error="no_file")
        try:
            upload_id, _token = create_upload(context.engine, sent.filename, sent.read(),
                                              request.form.get("template") or None,
                                              context.now())
        except UploadRefused as refused:
            record_request(context.engine, "import", f"upload refused: {refused}", "refused")
            return _back(error="template" if "模板" in str(refused) else "empty")
        record_request(context.engine, "import", f"upload #{upload_id} {sent.filename} queued")
        start_job(context.engine, settings.today, "run-upload", str(upload_id))
        return _back(upload=str(upload_id))

    @server.get("/data/template/<name>.xlsx")
    def template_file(name: str) -> ResponseReturnValue:
        if name not in TEMPLATES or name not in templates_for_viewer():
            return _not_found()
        engine = context.engine if has_schema(context.engine) else None
        with tempfile.TemporaryDirectory() as folder:
            content = write_template(TEMPLATES[name], Path(folder) / f"{name}.xlsx",
                                     engine).read_bytes()
        return send_file(io.BytesIO(content), as_attachment=True, download_name=f"{name}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet")

    @server.get("/data/upload/<int:upload_id>/<which>")
    def upload_download(upload_id: int, which: str) -> ResponseReturnValue:
        if which == "problems.csv":
            status = upload_status(context.engine, upload_id)
            if status is None:
                return _not_found()
            text = problems_frame(status).to_csv(index=False)
            return Response("\ufeff" + text, mimetype="text/csv; charset=utf-8", headers={
                "Content-Disposition": f"attachment; filename=upload-{upload_id}-problems.csv"})
        found = upload_file(context.engine, upload_id, {"original": "original",
                                                        "marked.xlsx": "marked"}.get(which, ""))
        if found is None:
            return _not_found()
        name, content = found
        if which == "original":
            record_request(context.engine, "import", f"upload #{upload_id} original downloaded")
        return send_file(io.BytesIO(content), as_attachment=True, download_name=name,
                         mimetype="application/octet-stream")
