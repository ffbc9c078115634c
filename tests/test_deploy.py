"""The production shape (docker-compose.yml, deploy/) agrees with the code.

No Docker engine is needed: Debian's docker-compose (v1) validates and resolves the compose file,
and the Caddyfile is read by a small parser that knows the few directives we use. A missing
docker-compose binary fails these tests; it never skips them (`.ci/system-packages` installs it).
"""

from __future__ import annotations

import dataclasses
import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from shared.config import config_table
from shared.contracts import QUEUES

from services.cli import SETTINGS
from services.frontdoor import ROUTES, START_PAGE, service_for

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
SETTINGS_ENV = {f.metadata["env"] for cls in SETTINGS for f in dataclasses.fields(cls)}
# notify's tuning knobs keep their defaults in production; the README's table documents them
TUNING_ENV = {name for name in SETTINGS_ENV if name.startswith("NOTIFY_") and not name.endswith("_DATABASE_URL")}
# The variables that are not the application's: the compose PostgreSQL's password, which
# docker-compose.yml also writes into the five database URLs, and the proxy's site address.
COMPOSE_ONLY_ENV = {"POSTGRES_PASSWORD", "SITE_ADDRESS"}
# Variables of the official postgres image that its service may set, and what the Caddyfile reads.
POSTGRES_IMAGE_ENV = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_INITDB_ARGS"}
PROXY_ENV = {"SITE_ADDRESS"}
DUMMY = {"SECRET_KEY": "test-secret-from-env", "POSTGRES_PASSWORD": "test0db0password"}


# --- docker-compose ------------------------------------------------------------------------------
def _docker_compose(tmp_path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail(
            "docker-compose (v1) is not installed: `apt-get install docker-compose` "
            "(.ci/system-packages does this when run as root). These tests do not skip."
        )
    # An empty env file: a developer's own .env next to docker-compose.yml must not leak in.
    empty = tmp_path / "empty.env"
    empty.write_text("")
    return subprocess.run(
        [binary, "--env-file", str(empty), "-f", str(COMPOSE), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def compose(tmp_path) -> dict:
    """docker-compose.yml as compose itself resolves it (anchors merged, variables filled)."""
    result = _docker_compose(tmp_path, "config", env=DUMMY)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid(tmp_path):
    result = _docker_compose(tmp_path, "config", "-q", env=DUMMY)
    assert result.returncode == 0, f"docker-compose config -q failed:\n{result.stderr}"


@pytest.mark.parametrize("missing", sorted(DUMMY))
def test_compose_refuses_to_run_without_secrets(tmp_path, missing):
    env = {k: v for k, v in DUMMY.items() if k != missing}
    result = _docker_compose(tmp_path, "config", "-q", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def _command(service: dict) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else list(command)


def _web_apps(compose: dict) -> dict[str, str]:
    """compose service name -> which of our apps it serves under gunicorn."""
    apps = {}
    for name, service in compose["services"].items():
        command = _command(service)
        if command and command[0] == "gunicorn":
            match = re.fullmatch(r"services\.(\w+):create_app\(\)", command[-1])
            assert match, f"{name}: gunicorn must serve services.<svc>:create_app(), got {command}"
            assert command[1:3] == ["-c", "deploy/gunicorn.conf.py"], name
            apps[name] = match.group(1)
    return apps


def _celery(compose: dict, subcommand: str) -> dict[str, list[str]]:
    return {
        name: _command(s)
        for name, s in compose["services"].items()
        if _command(s)[:1] == ["celery"] and subcommand in _command(s)
    }


# where an app lives when its address is not its package's name
ADDRESS = {"accounts": "account"}


def test_each_service_runs_under_gunicorn_with_a_health_check(compose):
    apps = _web_apps(compose)
    assert sorted(apps.values()) == sorted(QUEUES)
    for name, app in apps.items():
        check = compose["services"][name].get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no health check"
        prefix = ADDRESS.get(app, app)
        assert f"/{prefix}/healthz" in " ".join(check["test"]), f"{name} checks {check['test']}"


def test_one_worker_per_queue_and_exactly_one_beat(compose):
    workers = _celery(compose, "worker")
    queues = []
    for name, command in workers.items():
        queue = command[command.index("-Q") + 1]
        assert command[command.index("-A") + 1] == f"services.{queue}.worker", name
        queues.append(queue)
    assert sorted(queues) == sorted(QUEUES), f"workers consume {queues}"
    beats = _celery(compose, "beat")
    assert len(beats) == 1, f"beat services: {sorted(beats)}"
    (command,) = beats.values()
    assert command[command.index("-A") + 1] == "services.beat"


def test_migrate_runs_once_before_everything_that_uses_the_databases(compose):
    services = compose["services"]
    (migrate,) = [n for n, s in services.items() if _command(s) == ["treffpunkt", "migrate"]]
    assert services[migrate]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services[migrate].get("restart", "no") == "no"
    users = [*_web_apps(compose), *_celery(compose, "worker")]
    for name in users:
        assert services[name]["depends_on"][migrate]["condition"] == "service_completed_successfully", name


def test_app_environment_points_at_the_compose_infrastructure(compose):
    for name in [*_web_apps(compose), *_celery(compose, "worker"), *_celery(compose, "beat")]:
        env = compose["services"][name]["environment"]
        assert env["SECRET_KEY"] == DUMMY["SECRET_KEY"], f"{name}: SECRET_KEY must come from the environment"
        for db in ("identity", "calendar", "rooms", "notify", "engagement"):
            expected = f"postgresql+psycopg://treffpunkt:{DUMMY['POSTGRES_PASSWORD']}@postgres:5432/{db}"
            assert env[f"{db.upper()}_DATABASE_URL"] == expected, name
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert (env["MAIL_BACKEND"], env["SMTP_HOST"], str(env["SMTP_PORT"])) == ("smtp", "mailpit", "1025")


def _published(port) -> str:
    """The host port of a ports entry: long form or "[ip:]host:container[/proto]"."""
    if isinstance(port, dict):
        return str(port.get("published", ""))
    parts = str(port).split("/")[0].split(":")
    return parts[-2] if len(parts) > 1 else ""


def test_infrastructure_services(compose):
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:15" and services["postgres"]["healthcheck"]
    redis = services["redis"]
    assert redis["image"] == "redis:7" and redis["healthcheck"]
    command = " ".join(_command(redis))
    assert "--maxmemory-policy noeviction" in command and "--appendonly yes" in command
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    published = {name: [_published(p) for p in s.get("ports", [])] for name, s in services.items()}
    assert [n for n, ports in published.items() if "8080" in ports] == ["proxy"]
    assert any("deploy/Caddyfile" in str(v) for v in services["proxy"]["volumes"])
    # nothing but the proxy, Mailpit's UI and (for the host's mail server) the rooms' mail-in is
    # reachable from the host; the last two on its loopback only
    assert {n for n, ports in published.items() if ports} == {"proxy", "mailpit", "mailin"}
    for port in services["mailin"]["ports"]:
        host = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
        assert host == "127.0.0.1", port


def test_postgres_init_script_creates_the_databases_the_urls_name(compose):
    script = (DEPLOY / "postgres" / "init-databases.sh").read_text()
    created = set(re.search(r"for db in ([\w ]+); do", script).group(1).split())
    env = compose["services"]["rooms"]["environment"]
    named = {
        env[f"{db}_DATABASE_URL"].rsplit("/", 1)[1] for db in ("IDENTITY", "CALENDAR", "ROOMS", "NOTIFY", "ENGAGEMENT")
    }
    assert created == named
    mounts = " ".join(str(v) for v in compose["services"]["postgres"]["volumes"])
    assert "init-databases.sh" in mounts and "/docker-entrypoint-initdb.d/" in mounts


# --- environment variable names ------------------------------------------------------------------
def _env_example() -> dict[str, str]:
    """Names in deploy/env.example, set or commented out (`#NAME=value`)."""
    names = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        match = re.match(r"#?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            names[match.group(1)] = match.group(2)
    return names


def test_every_variable_in_compose_is_a_setting():
    raw = yaml.safe_load(COMPOSE.read_text())
    for name, service in raw["services"].items():
        keys = set(service.get("environment") or {})
        if service.get("image", "").startswith("postgres:"):
            assert keys <= POSTGRES_IMAGE_ENV, f"{name}: {keys - POSTGRES_IMAGE_ENV}"
        elif service.get("image", "").startswith("caddy:"):
            assert keys <= PROXY_ENV, f"{name}: {keys - PROXY_ENV}"
        else:
            assert keys <= SETTINGS_ENV, f"{name} sets unknown variables {sorted(keys - SETTINGS_ENV)}"
    interpolated = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE.read_text()))
    unknown = interpolated - SETTINGS_ENV - COMPOSE_ONLY_ENV
    assert not unknown, f"docker-compose.yml reads variables no Settings field has: {sorted(unknown)}"


def test_env_example_lists_every_setting_and_nothing_else():
    names = _env_example()
    assert set(names) - SETTINGS_ENV <= COMPOSE_ONLY_ENV, sorted(set(names) - SETTINGS_ENV)
    missing = SETTINGS_ENV - TUNING_ENV - set(names)
    assert not missing, f"missing in deploy/env.example: {sorted(missing)}"
    # the secrets are placeholders a person must replace, never a usable default
    for secret in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert "CHANGE-ME" in names[secret]


def test_readme_configuration_table_is_current():
    assert config_table(*SETTINGS) in (ROOT / "README.md").read_text(), (
        "README.md: paste the output of `treffpunkt config-table` into the Configuration section"
    )


# --- gunicorn and the image ----------------------------------------------------------------------
def test_gunicorn_config_reads_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 3
    assert config["timeout"] > 0 and config["accesslog"] == "-"
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] >= 1


def test_image_has_what_the_compose_commands_use(compose):
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M), "the image must not run as root"
    for name, service in compose["services"].items():
        for word in [*_command(service), *service.get("healthcheck", {}).get("test", [])]:
            if word.startswith("deploy/") and "build" in service:
                assert (ROOT / word).is_file(), f"{name} uses {word}, which does not exist"
                assert word in dockerfile, f"{name} uses {word}, which the image does not contain"


# --- the proxy -----------------------------------------------------------------------------------
def _caddy_blocks(text: str, environ: dict[str, str] | None = None) -> list:
    """Caddyfile as nested [tokens, children] lists (one line = one directive), with every
    `{$NAME:default}` replaced as Caddy replaces it: by `environ`'s value, else the default."""
    root: list = []
    stack = [root]
    text = re.sub(r"\{\$(\w+)(?::([^}]*))?\}", lambda m: (environ or {}).get(m[1], m[2] or ""), text)
    for line in text.splitlines():
        tokens = shlex.split(line, comments=True)
        if not tokens:
            continue
        if tokens == ["}"]:
            stack.pop()
            continue
        node = [tokens[:-1] if tokens[-1] == "{" else tokens, []]
        stack[-1].append(node)
        if tokens[-1] == "{":
            stack.append(node[1])
    assert len(stack) == 1, "unbalanced braces in the Caddyfile"
    return root


def _walk(nodes):
    for tokens, children in nodes:
        yield tokens
        yield from _walk(children)


def _caddyfile() -> str:
    return (DEPLOY / "Caddyfile").read_text()


def _site(port: str = ":8080"):
    """The site block served at `port` when the environment sets nothing (the defaults)."""
    (site,) = [children for tokens, children in _caddy_blocks(_caddyfile()) if tokens == [port]]
    return site


def _caddy_path_matches(pattern: str, path: str) -> bool:
    """Caddy's path matcher: exact, a prefix with one `*` at the end, else a glob whose `*`
    stays within one path segment; case does not matter."""
    pattern, path = pattern.lower(), path.lower()
    if pattern.endswith("*") and pattern.count("*") == 1:
        return path.startswith(pattern[:-1])
    assert not pattern.startswith("*"), f"pattern not understood by this test: {pattern}"
    return re.fullmatch("[^/]*".join(map(re.escape, pattern.split("*"))), path) is not None


def _caddy_matchers(site) -> dict[str, dict[str, list[str]]]:
    """Named matchers, one-line (`@name path a b`) or block form (`@name {` path … / method … `}`)."""
    matchers = {}
    for tokens, children in site:
        if not tokens[0].startswith("@"):
            continue
        lines = [tokens[1:]] if len(tokens) > 1 else [t for t, _ in children]
        matchers[tokens[0]] = {kind: values for kind, *values in lines}
    return matchers


def _caddy_route(site, path: str, method: str = "GET") -> list[tuple[str, list[str]]]:
    """Every handle block whose matcher takes `method path`, in file order (Caddy takes the first
    one there): (what it does, its arguments)."""
    matchers = _caddy_matchers(site)
    hits, fallback = [], None
    for tokens, children in site:
        if tokens[0] != "handle":
            continue
        ((action, *args),) = [t for t, _ in children]
        if len(tokens) == 1:
            fallback = (action, args)
            continue
        matcher = matchers[tokens[1]] if tokens[1].startswith("@") else {"path": [tokens[1]]}
        if _guard(matcher):
            continue  # refuses some requests on any path (test_proxy_guards_only_refuse)
        if "method" in matcher and method not in matcher["method"]:
            continue
        if any(_caddy_path_matches(p, path) for p in matcher["path"]):
            hits.append((action, args))
    if method != "GET":
        hits = hits[:1]
    return hits or ([fallback] if fallback else [])


def _guard(matcher: dict[str, list[str]]) -> bool:
    """A matcher by request header alone: it picks requests to refuse, not a service."""
    return set(matcher) == {"header_regexp"}


def test_proxy_named_matchers_match_by_path_only():
    for name, matcher in _caddy_matchers(_site()).items():
        understood = set(matcher) <= {"path", "method"} and matcher.get("path")
        assert understood or _guard(matcher), f"{name}: only path (and method) matchers are understood here"


def test_proxy_guards_only_refuse():
    """A handle block picked by a header matcher answers a 4xx itself and passes nothing on."""
    site, guards = _site(), {n for n, m in _caddy_matchers(_site()).items() if _guard(m)}
    assert guards, "no guard: the announced body size is checked before proxying"
    for tokens, children in site:
        if tokens[0] == "handle" and len(tokens) > 1 and tokens[1] in guards:
            ((action, *args),) = [t for t, _ in children]
            assert action == "respond" and 400 <= int(args[-1]) < 500, (tokens, action, args)


def test_proxy_sends_calendar_discovery_at_the_root_to_the_calendar(compose):
    from services.frontdoor import DAV_DISCOVERY_METHODS

    apps = _web_apps(compose)
    for method in DAV_DISCOVERY_METHODS:
        ((action, args),) = _caddy_route(_site(), "/", method)
        assert action == "reverse_proxy" and apps[args[0].partition(":")[0]] == "calendar", (method, action, args)


def test_proxy_routes_every_prefix_like_the_front_door(compose):
    site = _site()
    apps = _web_apps(compose)
    samples = {"/", "/elsewhere", "/static/x.css"}
    for prefix, _service in ROUTES:
        samples |= {prefix, prefix + "/", prefix + "/a/b.ics", prefix + "x", prefix + "-x/"}
    for path in sorted(samples):
        hits = _caddy_route(site, path)
        assert len(hits) == 1, f"{path} is taken by {len(hits)} handle blocks: {hits}"
        action, args = hits[0]
        expected = service_for(path)
        if expected is not None:
            assert action == "reverse_proxy", f"{path}: {action} {args}"
            (upstream,) = args
            host, _, port = upstream.partition(":")
            assert port == "8000" and "/" not in upstream, upstream
            assert apps.get(host) == expected, f"{path} goes to {host}, the front door sends it to {expected}"
        elif path == "/":
            assert (action, args[-2:]) == ("redir", [START_PAGE, "302"]), f"/: {action} {args}"
        else:
            assert (action, args[-1]) == ("respond", "404"), f"{path}: {action} {args}"


def test_proxy_passes_paths_and_forwarded_headers_unchanged():
    for tokens in _walk(_caddy_blocks(_caddyfile())):
        if not tokens:  # the global options block
            continue
        assert tokens[0] not in {"uri", "rewrite", "handle_path", "strip_prefix", "route"}, tokens
        # Caddy sets X-Forwarded-For/-Proto/-Host itself; removing them would break the apps' view
        assert not any(t.lower().startswith("-x-forwarded") for t in tokens), tokens
        assert tokens[0] != "trusted_proxies", "clients' own X-Forwarded-* must not be trusted"


def test_proxy_reaches_each_app_under_its_compose_name_or_its_upstream_variable(compose):
    """`reverse_proxy {$ROOMS_UPSTREAM:rooms:8000}`: compose's name by default, the variable named
    after that service for tests/support/production.py (which sets one per gunicorn service)."""
    apps = _web_apps(compose)
    upstreams = re.findall(r"reverse_proxy \{\$(\w+):([\w-]+):8000\}", _caddyfile())
    assert {host for _, host in upstreams} == set(apps), upstreams
    assert all(variable == f"{host.upper()}_UPSTREAM" for variable, host in upstreams), upstreams
    moved = {variable: f"127.0.0.1:{port}" for port, (variable, _host) in enumerate(upstreams, 9001)}
    (site,) = [c for t, c in _caddy_blocks(_caddyfile(), {"SITE_ADDRESS": ":1", **moved}) if t == [":1"]]
    for prefix, service in ROUTES:
        ((action, args),) = _caddy_route(site, prefix + "/")
        host = next(host for host, app in apps.items() if app == service)
        assert (action, args) == ("reverse_proxy", [moved[f"{host.upper()}_UPSTREAM"]]), prefix


def test_proxy_answers_metrics_paths_itself_with_404():
    """/<service>/metrics is for Prometheus inside the compose network: the front door's first
    matching block answers 404 for every service's prefix, whatever the case or a trailing part."""
    site = _site()
    for prefix, _service in ROUTES:
        for path in (f"{prefix}/metrics", f"{prefix.upper()}/METRICS", f"{prefix}/metrics/", f"{prefix}/metrics/x"):
            if prefix.count("/") > 1:  # /.well-known/caldav, /api/rooms: their own metrics live elsewhere
                continue
            action, args = _caddy_route(site, path)[0]
            assert (action, args[-1]) == ("respond", "404"), f"{path}: {action} {args}"


def test_proxy_gives_every_request_its_own_id():
    """Set for every request before any handler, so a client's own X-Request-Id never survives."""
    site = _site()
    assert ["request_header", "X-Request-Id", "{http.request.uuid}"] in [t for t, _ in site]


def test_caddyfile_is_valid_for_plain_http_and_https(tmp_path):
    """Caddy itself adapts the file, with the default site address and with a host name."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.fail("caddy is not installed: `apt-get install caddy` (.ci/system-packages does this as root)")
    for site in (":8080", "treffpunkt.example.org"):
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SITE_ADDRESS": site}
        done = subprocess.run(
            [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert site.lstrip(":") in done.stdout
