"""Read an article's metadata safely: YAML front matter, text fields, links, languages, dates.

Front matter opens a text or Markdown file: YAML fenced with ``---`` lines at the very top
(keys ``title``, ``outlet``, ``published`` or ``date``, ``url``, ``language``, ``author``; any
other key is kept as an extra, as a string). It is read with a safe loader that leaves dates as
strings and refuses values whose aliases expand past `MAX_EXPANDED_VALUES` (a "billion laughs"
bomb) before any of them is built. Each cleaner returns a plain value or None and appends a
one-line warning, showing at most 60 characters of what it dropped (`shown_value`). Publication
dates are read by the one parser, :func:`geo.text.published.parse_published`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from urllib.parse import urlsplit

import yaml

from geo.errors import FaultlinesError
from geo.text.decoding import ArticleError
from geo.text.published import parse_published

__all__ = [
    "MAX_EXPANDED_VALUES",
    "MAX_FRONT_MATTER_CHARS",
    "ArticleMetadata",
    "clean_author",
    "clean_language",
    "clean_text",
    "clean_url",
    "extra_value",
    "load_front_matter",
    "read_front_matter",
    "shown_value",
    "type_name",
]

_EXTRA_MAX_NODES: Final = 200
MAX_EXPANDED_VALUES: Final = 1_000
"""Values one front matter key may hold once YAML aliases are expanded (an alias bomb: more)."""
MAX_FRONT_MATTER_CHARS: Final = 32 * 1024
"""Longest front matter block parsed (longer: ignored with a warning, the body still read)."""
_SHOWN_CHARS: Final = 60
_LANGUAGE_TAG: Final = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_TIMESTAMP_TAG: Final = "tag:yaml.org,2002:timestamp"
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
_FRONT_MATTER: Final = re.compile(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_OPENING_FENCE: Final = re.compile(r"---[ \t]*\n")
_KNOWN_KEYS: Final = frozenset({"title", "outlet", "author", "published", "url", "language"})


@dataclass(slots=True)
class ArticleMetadata:
    """Metadata gathered while an article is read, before it is frozen into an `Article`.

    The fields are those of :class:`geo.text.articles.Article`; `warnings` collects what the
    cleaners dropped and why.
    """

    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    url: str | None = None
    language: str = "en"
    author: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Loader(yaml.SafeLoader):
    """`yaml.SafeLoader` that leaves dates as strings.

    SafeLoader turns ``published: 2023-13-45`` into a constructor crash for the whole front
    matter; as a string it reaches the date parser, which keeps the article and warns.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_front_matter(block: str, warnings: list[str]) -> object:
    """Return the YAML data of a front matter block, without keys that aliases blow up.

    The block is composed into nodes first (aliases are references there, so this is linear in
    its length); a top-level key whose value would expand to more than
    `MAX_EXPANDED_VALUES` values (a "billion laughs" bomb, or an alias to itself) is
    dropped with a short warning before any Python value is built. A block that is not a
    mapping and expands too far is refused as a whole. A block longer than
    `MAX_FRONT_MATTER_CHARS` is not parsed at all (None, with a warning): PyYAML reads some
    30 KB a second, and real front matter is a few lines.
    """
    if len(block) > MAX_FRONT_MATTER_CHARS:
        warnings.append(
            f"front matter is {len(block):,} characters long, over the "
            f"{MAX_FRONT_MATTER_CHARS:,} read; ignored"
        )
        return None
    loader = _Loader(block)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        sizes: dict[int, int] = {}
        if isinstance(node, yaml.MappingNode):
            kept = []
            for key, value in node.value:
                if _expanded_size(key, sizes) + _expanded_size(value, sizes) > (
                    MAX_EXPANDED_VALUES
                ):
                    name = shown_value(key.value if isinstance(key, yaml.ScalarNode) else "?")
                    warnings.append(
                        f"front matter {name} expands (YAML aliases) to more than "
                        f"{MAX_EXPANDED_VALUES:,} values; ignored"
                    )
                else:
                    kept.append((key, value))
            node.value = kept
        elif _expanded_size(node, sizes) > MAX_EXPANDED_VALUES:
            msg = f"it expands (YAML aliases) to more than {MAX_EXPANDED_VALUES:,} values"
            raise ValueError(msg)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node, sizes: dict[int, int]) -> int:
    """Return how many values `root` holds with every alias expanded (capped past the limit).

    Iterative and memoised per node, so the cost is linear in the number of nodes; a node that
    contains itself counts as too large.
    """
    too_large = MAX_EXPANDED_VALUES + 1
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [item for pair in node.value for item in pair]
        if children_done:
            open_nodes.discard(id(node))
            total = 1 + sum(sizes.get(id(child), too_large) for child in children)
            sizes[id(node)] = min(total, too_large)
            continue
        if id(node) in open_nodes:  # an alias to a node that contains it
            sizes[id(node)] = too_large
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def extra_value(value: object) -> str | None:
    """Return a front matter value as a string, or ``None`` if it is too large."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    budget = [_EXTRA_MAX_NODES]
    try:
        plain = _plain(value, budget)
    except _TooLargeError:
        return None
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


class _TooLargeError(FaultlinesError):
    """A front matter value with more nodes than `_EXTRA_MAX_NODES`."""


def _plain(value: object, budget: list[int]) -> Any:
    """Convert YAML data to JSON-ready data, counting nodes (YAML aliases can explode)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLargeError
    if isinstance(value, dict):
        return {str(key): _plain(item, budget) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(item, budget) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def shown_value(value: object) -> str:
    """Return `value` quoted for a warning, cut to `_SHOWN_CHARS` characters."""
    if isinstance(value, str) and len(value) > _SHOWN_CHARS:
        return repr(value[:_SHOWN_CHARS]) + "…"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def type_name(value: object) -> str:
    """Return the YAML name of the kind of `value` ("mapping", "list", "number" …)."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return type(value).__name__


def clean_text(name: str, value: object, warnings: list[str]) -> str | None:
    """Return a metadata value as one line of text, or ``None`` with a warning."""
    if value is None:
        return None
    if isinstance(value, str):
        return " ".join(_SURROGATES.sub("\ufffd", value).split()) or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    warnings.append(f"{name} is a {type_name(value)}, not text; ignored")
    return None


def clean_author(value: object, warnings: list[str]) -> str | None:
    """Return one author or a list of them as one line of text, or None with a warning."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        names = [" ".join(item.split()) for item in value]
        return ", ".join(name for name in names if name) or None
    return clean_text("author", value, warnings)


def clean_url(value: object, warnings: list[str]) -> str | None:
    """Return an ``http``/``https`` address, or ``None`` with a warning for anything else."""
    text = clean_text("url", value, warnings)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        warnings.append(f"url {shown_value(text)} is not an http(s) address; dropped")
        return None
    return text


def clean_language(value: object, warnings: list[str]) -> str:
    """Return a language tag such as ``en`` or ``pt-BR``; ``en`` (with a warning) otherwise."""
    text = clean_text("language", value, warnings)
    if text is None:
        return "en"
    tag = text.replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(tag):
        warnings.append(
            f"language {shown_value(text)} is not a language tag such as 'en'; using 'en'"
        )
        return "en"
    return tag


def read_front_matter(text: str, metadata: ArticleMetadata, *, source: str) -> int:
    """Read the front matter that opens `text` into `metadata`; return where the body starts.

    Text without front matter gives 0. Text that opens with a ``---`` line no other line
    closes is read whole as the body, with a warning.

    Parameters
    ----------
    text
        The decoded file.
    metadata
        Filled with the cleaned values, the extra keys and the warnings.
    source
        Named in errors.

    Returns
    -------
    int
        The offset of the body in `text`.

    Raises
    ------
    ArticleError
        If the front matter is not YAML, or not a mapping of keys to values.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        if _OPENING_FENCE.match(text):
            metadata.warnings.append(
                "text opens with '---' but no closing '---' line ends the front matter; "
                "read it all as text"
            )
        return 0
    _read_front_matter_block(match.group(1) or "", metadata, source=source)
    return match.end()


def _read_front_matter_block(block: str, meta: ArticleMetadata, *, source: str) -> None:
    """Parse a front matter block into ``meta``; raise `ArticleError` if it is not YAML."""
    try:
        data = load_front_matter(block, meta.warnings)
    except yaml.MarkedYAMLError as err:
        problem = err.problem or err.context or "syntax error"
        where = f"line {err.problem_mark.line + 2}: " if err.problem_mark is not None else ""
        reason = f"front matter is not valid YAML ({where}{' '.join(problem.split())})"
        raise ArticleError(source, reason) from err
    except RecursionError as err:  # its message depends on where the stack ran out
        raise ArticleError(source, "front matter is not valid YAML (nested too deeply)") from err
    except (yaml.YAMLError, ValueError, TypeError) as err:
        reason = f"front matter is not valid YAML ({' '.join(str(err).split())})"
        raise ArticleError(source, reason) from err
    if data is None:
        return
    if not isinstance(data, dict):
        reason = f"front matter is a {type_name(data)}, not a mapping of keys to values"
        raise ArticleError(source, reason)
    fields = {str(key).strip().lower(): value for key, value in data.items()}
    meta.title = clean_text("title", fields.get("title"), meta.warnings)
    meta.outlet = clean_text("outlet", fields.get("outlet"), meta.warnings)
    meta.author = clean_author(fields.get("author"), meta.warnings)
    published = fields.get("published", fields.get("date"))
    meta.published = parse_published(published, meta.warnings)
    meta.url = clean_url(fields.get("url"), meta.warnings)
    if "language" in fields:
        meta.language = clean_language(fields["language"], meta.warnings)
    known = _KNOWN_KEYS if "published" in fields else _KNOWN_KEYS | {"date"}
    for key, value in data.items():
        name = str(key)
        if name.strip().lower() in known:
            continue
        text = extra_value(value)
        if text is None:
            meta.warnings.append(f"front matter {shown_value(name)} is too large to keep; ignored")
        else:
            meta.extra[name] = text
