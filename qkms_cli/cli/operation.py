"""A command for one API operation, whose flags are read from the operation's model."""

from __future__ import annotations

import json
from typing import Any

import click

from qkms_cli.cli import params as p
from qkms_cli.cli.app import App
from qkms_cli.cli.commands import CommandSpec, kebab

# Operations whose KeyId is a key id or key ARN only, as AWS has them (the rest take aliases too).
_KEY_ONLY = frozenset(
    {"GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial", "ReplicateKey",
     "UpdatePrimaryRegion"}
)  # fmt: skip
_KEY_FORMS = (
    "Takes a key id (1234abcd-12ab-34cd-56ef-1234567890ab), a key ARN, an alias name "
    "(alias/my-app) or an alias ARN."
)
_KEY_ONLY_FORMS = "Takes a key id or a key ARN (not an alias)."
_CONTEXT_HELP = {
    "EncryptionContext": "Decrypting needs exactly the same context again (keys and values are "
    "case-sensitive); it is not stored in the ciphertext.",
    "SourceEncryptionContext": "The context the ciphertext was sealed with, exactly.",
    "DestinationEncryptionContext": "Decrypting the result needs exactly this context again.",
}


def _member_doc(op: str, member: str, doc: str) -> str:
    """The model's doc, plus what a user must know that it does not say."""
    if member in ("KeyId", "SourceKeyId", "DestinationKeyId"):
        doc = f"{doc} {_KEY_ONLY_FORMS if op in _KEY_ONLY else _KEY_FORMS}"
    elif member == "TargetKeyId":
        doc = f"{doc} {_KEY_ONLY_FORMS}"
    elif (member in _CONTEXT_HELP and op != "Decrypt") or member == "SourceEncryptionContext":
        doc = f"{doc} {_CONTEXT_HELP[member]}"
    elif member == "EncryptionContext":
        doc = f"{doc} It must be the context the ciphertext was sealed with, exactly."
    return doc


def _member_option(
    member: str, shape: dict[str, Any], required: bool, op: str = ""
) -> click.Option:
    flag = f"--{kebab(member)}"
    doc = _member_doc(op, member, shape.get("doc", ""))
    kind = shape["type"]
    if "enum" in shape:
        doc = f"{doc} One of: {', '.join(shape['enum'])}."
    if required:
        doc = f"{doc} [required]"
    kwargs: dict[str, Any] = {"help": doc.strip(), "default": None}
    if "enum" in shape:
        values = list(shape["enum"])
        kwargs["shell_complete"] = lambda _ctx, _param, incomplete: [
            v for v in values if v.startswith(incomplete)
        ]
        kwargs["metavar"] = "[" + "|".join(values) + "]" if len(values) <= 4 else "ENUM"
    if kind == "boolean":
        return click.Option([f"{flag}/--no-{kebab(member)}", member], **kwargs)
    if kind in ("integer", "long"):
        return click.Option([flag, member], type=click.INT, **kwargs)
    if kind == "list":
        return click.Option([flag, member], multiple=True, **{**kwargs, "default": ()})
    if kind == "blob":
        kwargs["metavar"] = "BASE64|fileb://PATH"
    elif kind == "map":
        kwargs["metavar"] = "K=V,...|JSON"
    return click.Option([flag, member], **kwargs)


def input_skeleton(op: Any) -> dict[str, Any]:
    """The request template: every member; required ones hold a placeholder to fill in, optional
    ones null, which --cli-input-json reads as "not given", so the template runs as it stands
    once the required members are filled."""
    return {m: p.skeleton(s) if m in op.required else None for m, s in op.input.items()}


class OperationCommand(click.Command):
    """`qkms <command>` for one operation: flags -> request dict -> service.call -> render."""

    def __init__(self, name: str, spec: CommandSpec, *, hidden_alias: bool = False) -> None:
        super().__init__(name, help=spec.help, short_help=spec.help, hidden=hidden_alias)
        self.spec = spec
        self._hidden_alias = hidden_alias
        self._full_help = False
        self._built: list[click.Parameter] | None = None
        self._list_flags: set[str] = set()

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The whole help (members left out, example, sample output), built only for --help."""
        if not self._full_help:
            from qkms_cli import service
            from qkms_cli.cli.commands import example_help, left_out

            spec = self.spec
            parts = [spec.help]
            missing = left_out(spec.op, service.spec(spec.op).output)
            if missing:
                parts.append(
                    "qkms leaves out of the response: "
                    + "; ".join(f"{m} ({why})" for m, why in missing.items())
                    + "."
                )
            if self._hidden_alias:
                parts.append(f"The aws-cli name of a qkms command ({spec.op}).")
            parts.append(example_help(spec.op, spec.example))
            self.help = "\n\n".join(parts)
            self._full_help = True
        super().format_help_text(ctx, formatter)

    # Click reads `params`; building them needs the model, so it happens on first use only.
    @property  # type: ignore[override]
    def params(self) -> list[click.Parameter]:
        if self._built is None:
            self._built = self._build_params()
        return self._built

    @params.setter
    def params(self, value: list[click.Parameter]) -> None:
        self._built = value or None

    def _build_params(self) -> list[click.Parameter]:
        from qkms_cli import service
        from qkms_cli.cli import batch, files, global_options, paginate

        op = service.spec(self.spec.op)
        options: list[click.Parameter] = []
        paged = op.name in paginate.PAGINATED
        for member, shape in op.input.items():
            option = _member_option(member, shape, member in op.required, op.name)
            if shape["type"] == "list":
                self._list_flags.update(o for o in option.opts if o.startswith("--"))
            if paged and member in ("Limit", "Marker"):
                option.hidden = True  # aws-cli: --page-size and --starting-token stand for them
            options.append(option)
        if paged:
            options.extend(paginate.options())
        options.extend(files.options(op.name))
        options.extend(batch.options(op.name))
        options.extend(
            [
                click.Option(
                    ["--cli-input-json"],
                    metavar="JSON|file://PATH",
                    help="The request as JSON, with the API's member names; flags override it.",
                ),
                click.Option(
                    ["--generate-cli-skeleton"],
                    is_flag=False,
                    flag_value="input",
                    type=click.Choice(["input", "output"]),
                    default=None,
                    help=(
                        "Print a JSON template of the request (input, the default: required "
                        "members to fill in, optional ones null) or of the response (output), "
                        "and exit. Feed the filled-in request back with --cli-input-json."
                    ),
                ),
                *global_options(),
            ]
        )
        return options

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Let list flags take several values, aws-cli style: --tags A B -> --tags A --tags B."""
        self.params
        rewritten: list[str] = []
        current: str | None = None
        for arg in args:
            if arg.startswith("-"):
                current = arg if arg in self._list_flags else None
                rewritten.append(arg)
                continue
            if current is not None and rewritten and rewritten[-1] != current:
                rewritten.append(current)
            rewritten.append(arg)
        return super().parse_args(ctx, rewritten)

    def invoke(self, ctx: click.Context) -> None:
        from qkms_cli import service

        app = ctx.find_object(App)
        if app is None:
            app = App()
            ctx.obj = app
            ctx.call_on_close(app.close)
        from qkms_cli.cli import pop_globals

        values = ctx.params
        app.update(**pop_globals(values))
        app.check_rendering()
        op = service.spec(self.spec.op)
        skeleton = values.pop("generate_cli_skeleton")
        if skeleton:
            app.out.write(
                json.dumps(
                    input_skeleton(op)
                    if skeleton == "input"
                    else {m: p.skeleton(s) for m, s in op.output.items()},
                    indent=4,
                )
                + "\n"
            )
            return
        from qkms_cli.cli import batch, files, paginate

        paging = paginate.pop_options(values) if op.name in paginate.PAGINATED else None
        outs = files.pop_options(op.name, values)
        count = batch.pop_count(op.name, values)
        request = self._request(op, values.pop("cli_input_json"), values, raw=app.raw_blobs)
        missing = [m for m in op.required if request.get(m) is None]
        if missing:
            flags = ", ".join(f"--{kebab(m)}" for m in missing)
            raise click.UsageError(f"the following arguments are required: {flags}", ctx)
        files.check(op.name, request, outs)
        if count is not None:  # --count N: N pairs in one call, as a list
            app.render(op.name, batch.run(app, op.name, request, count, outs))
            return
        if (
            paging is not None
            and app.output_format() == "yaml-stream"
            and not (paging["max_items"] or paging["starting_token"])
        ):
            # aws-cli v2's yaml-stream: each page printed (as a list item) as it arrives.
            def streamed(page: dict[str, Any]) -> dict[str, Any]:
                answer = app.call(op.name, page)
                app.render(op.name, answer)
                return answer

            paginate.paginate(streamed, op.name, request, paging)
            return
        if paging is not None:
            response = paginate.paginate(
                lambda page: app.call(op.name, page), op.name, request, paging
            )
        else:
            response = app.call(op.name, request)
        response = files.write(op.name, request, response, outs)
        app.render(op.name, response)

    def _request(
        self, op: Any, input_json: str | None, values: dict[str, Any], *, raw: bool = False
    ) -> dict[str, Any]:
        request: dict[str, Any] = {}
        if input_json:
            text = input_json
            if text.startswith("file://"):
                text = p._read(text[len("file://") :], "--cli-input-json", binary=False).decode(
                    "utf-8", "replace"
                )
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError as exc:
                raise click.BadParameter(
                    f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                    param_hint="--cli-input-json",
                ) from None
            if not isinstance(loaded, dict):
                raise click.BadParameter("must be a JSON object", param_hint="--cli-input-json")
            for member, value in loaded.items():
                shape = op.input.get(member)
                request[member] = p.from_json(shape, value, member, raw=raw) if shape else value
        for member, value in values.items():
            if value is None or value == ():
                continue
            shape = op.input[member]
            flag = f"--{kebab(member)}"
            kind = shape["type"]
            if kind == "blob":
                request[member] = p.parse_blob(
                    value, flag, raw=raw, sensitive=bool(shape.get("sensitive"))
                )
            elif kind == "map":
                request[member] = p.parse_map(value, flag)
            elif kind == "list":
                request[member] = p.parse_list(value, flag, shape)
            elif kind == "timestamp":
                request[member] = p.parse_timestamp(value, flag)
            elif kind == "structure":
                parsed = p.parse_structure(value, flag, shape)
                request[member] = parsed[0] if len(parsed) == 1 else parsed
            elif kind == "string" and member in p.TEXT_FILE_MEMBERS:
                request[member] = p._text_source(value, flag)
            else:
                request[member] = value
        return request
