"""Where remote calls go and who signs them: AWS's credential and region chain, as aws-cli reads it.

Credentials, first found wins (botocore's order for the sources qkms reads):
  1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), unless --profile names one;
  2. the profile's section in the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
     ~/.aws/credentials): aws_access_key_id, aws_secret_access_key, aws_session_token;
  3. the same keys in its section of the config file (AWS_CONFIG_FILE, else ~/.aws/config), where a
     profile other than default is `[profile NAME]`.
The profile is --profile, else AWS_PROFILE, else `default`. Region: --region, AWS_REGION,
AWS_DEFAULT_REGION, then the profile's `region` in the config file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from qkms_cli.errors import EXIT_CONFIG, QkmsError

# Sources of credentials qkms does not run (they fetch tokens or run programs); a profile that
# relies on one is refused by name rather than signed for as if it had no keys.
_UNSUPPORTED = (
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
)


class ConfigError(QkmsError):
    """Remote mode cannot start: no credentials, no region, an unknown profile (aws-cli's 253)."""

    code = "ConfigError"
    exit_code = EXIT_CONFIG


class Settings(NamedTuple):
    """The CLI's global options for remote mode, as given (None: not given)."""

    endpoint_url: str
    region: str | None = None
    profile: str | None = None
    verify: bool = True
    ca_bundle: str | None = None
    read_timeout: int | None = None
    connect_timeout: int | None = None
    sign: bool = True


class Credentials(NamedTuple):
    access_key: str
    secret_key: str
    token: str | None
    source: str  # where they came from, for --debug (never the secret)


def _read_ini(path: Path) -> Any:
    import configparser

    parser = configparser.RawConfigParser()
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise ConfigError(
            f"Unable to parse config file: {path} ({exc.__class__.__name__})"
        ) from None
    return parser


def _files(env: Mapping[str, str]) -> tuple[Path, Path]:
    credentials = env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    config = env.get("AWS_CONFIG_FILE") or "~/.aws/config"
    return Path(credentials).expanduser(), Path(config).expanduser()


class Profile:
    """One profile's sections in the shared credentials and config files, read on first use."""

    def __init__(self, name: str | None, env: Mapping[str, str]) -> None:
        self.explicit = name is not None  # --profile: environment keys are then not used
        self.name = name or env.get("AWS_PROFILE") or "default"
        self.named = name is not None or bool(env.get("AWS_PROFILE"))
        self._env = env
        self._loaded: tuple[dict[str, str] | None, dict[str, str] | None] | None = None

    def sections(self) -> tuple[dict[str, str] | None, dict[str, str] | None]:
        if self._loaded is None:
            credentials_path, config_path = _files(self._env)
            credentials = _read_ini(credentials_path)
            config = _read_ini(config_path)
            cred_section = None
            if credentials is not None and credentials.has_section(self.name):
                cred_section = dict(credentials.items(self.name))
            conf_section = None
            if config is not None:
                title = self.name if self.name == "default" else f"profile {self.name}"
                if config.has_section(title):
                    conf_section = dict(config.items(title))
            if self.named and cred_section is None and conf_section is None:
                raise ConfigError(f"The config profile ({self.name}) could not be found")
            self._loaded = (cred_section, conf_section)
        return self._loaded


def credentials(profile: Profile, env: Mapping[str, str]) -> Credentials:
    if not profile.explicit:
        key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        if key and secret:
            token = env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN") or None
            return Credentials(key, secret, token, "the environment (AWS_ACCESS_KEY_ID)")
    cred_section, conf_section = profile.sections()
    credentials_path, config_path = _files(env)
    for section, path in ((cred_section, credentials_path), (conf_section, config_path)):
        if not section:
            continue
        key, secret = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
        if key and secret:
            token = section.get("aws_session_token") or None
            return Credentials(key, secret, token, f"profile {profile.name} in {path}")
    for section in (cred_section, conf_section):
        for name in _UNSUPPORTED:
            if section and section.get(name):
                raise ConfigError(
                    f"The config profile ({profile.name}) gets its credentials through "
                    f"{name}, which qkms does not run. Export AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY (e.g. from `aws configure export-credentials "
                    "--format env`), or give the profile aws_access_key_id and "
                    "aws_secret_access_key."
                )
    raise ConfigError(
        'Unable to locate credentials. You can configure credentials by running "aws configure". '
        "(qkms reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or --profile / AWS_PROFILE in "
        "~/.aws/credentials and ~/.aws/config; --no-sign-request sends unsigned requests.)"
    )


def region(given: str | None, profile: Profile, env: Mapping[str, str]) -> tuple[str, str]:
    """(region, where it came from)."""
    if given:
        return given, "--region"
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if env.get(name):
            return env[name], name
    _cred, conf_section = profile.sections()
    if conf_section and conf_section.get("region"):
        return conf_section["region"], f"profile {profile.name}"
    raise ConfigError(
        'You must specify a region. You can also configure your region by running "aws '
        "configure\". (--region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region.)"
    )


def ca_bundle(settings: Settings, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return settings.ca_bundle or env.get("AWS_CA_BUNDLE") or None
