"""Files the app hands out that are not exports: a 督办 step's attachment."""

from __future__ import annotations

import io

from flask import Flask, Response, send_file
from flask.typing import ResponseReturnValue

from callbacks.context import AppContext
from data_access.duban import attachment_of


def register(server: Flask, context: AppContext) -> None:
    @server.get("/duban/attachment/<int:event_id>")
    def duban_attachment(event_id: int) -> ResponseReturnValue:
        found = attachment_of(context.engine, event_id)
        if found is None:
            return Response("没有这个附件，或无权查看\nno such attachment, or not yours\n",
                            status=404, mimetype="text/plain; charset=utf-8")
        name, media_type, content = found
        return send_file(io.BytesIO(content), mimetype=media_type, as_attachment=True,
                         download_name=name)
