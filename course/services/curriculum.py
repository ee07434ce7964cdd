"""Loading the shipped curriculum: the loader is one more author, and follows the studio's rules.

A published revision is evidence (attempts, submissions and certificates point at it), so the
loader never changes one. For each shipped file:

- a module that does not exist yet is created and published as version 1;
- a module nobody edited in the studio (every published version came from the loader) whose
  file changed gets a NEW published version, through the studio's own `publish`, with an
  audit line "curriculum update" listing what changed by key; completions are kept (a
  curriculum update never requires retraining);
- a module a person published in the studio, or that has an open draft, is left alone, and
  the report says so (and whether the shipped file changed since it was last loaded).
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Module, ModuleRevision, RevisionState
from . import audit, authoring, content_io
from .content_io import CURRICULUM_DIR, ContentError, ModuleSpec

#: The change summary of a version the loader publishes.
CURRICULUM_UPDATE = "curriculum update"


@dataclass
class LoadReport:
    """What loading did, by module slug; `kept` maps a slug to why it was left alone."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)


def load_curriculum(directory: Path = CURRICULUM_DIR) -> LoadReport:
    """Load every module file of `directory`; every file is checked before anything is written.

    Raises ContentError listing each bad file's problems. The caller commits.
    """
    specs, errors = [], []
    for path in sorted(directory.glob("*.md")):
        try:
            specs.append(content_io.parse_module(path.read_text(encoding="utf-8"), path.name))
        except ContentError as error:
            errors.append(error)
    if errors:
        raise ContentError("curriculum", [(None, str(e)) for e in errors])
    report = LoadReport()
    for spec in specs:
        outcome, why = load(spec)
        if outcome == "kept":
            report.kept[spec.slug] = why
        else:
            getattr(report, outcome).append(spec.slug)
    return report


def load(spec: ModuleSpec) -> tuple[str, str]:
    """Load one module file: ("created" | "updated" | "unchanged" | "kept", why it was kept)."""
    module = db.session.scalar(select(Module).where(Module.slug == spec.slug))
    if module is None:
        _create(spec)
        return "created", ""
    if module.draft is not None:
        return "kept", (
            f"a draft (version {module.draft.number}) is open in the studio; "
            "publish or discard it, then load again"
        )
    published = module.published
    if published is None or published.published_by_id is not None:
        return "kept", _edited_in_studio(module, spec)
    if module.source != spec.source:
        module.source = spec.source  # the module's attribution, not part of any revision
    if content_io.spec_from_revision(module, published) == _as_stored(module, spec):
        return "unchanged", ""
    draft = authoring.ensure_draft(module)
    content_io.apply_spec(draft, spec)
    authoring.publish(module, None, CURRICULUM_UPDATE)
    return "updated", ""


def _as_stored(module: Module, spec: ModuleSpec) -> ModuleSpec:
    """The spec as a revision of this module reads back (the slug and source are the module's)."""
    return ModuleSpec(**{**spec.__dict__, "slug": module.slug, "source": module.source})


def _create(spec: ModuleSpec) -> Module:
    module = Module(slug=spec.slug, source=spec.source)
    revision = ModuleRevision(module=module, number=1, state=RevisionState.PUBLISHED, title="")
    content_io.apply_spec(revision, spec)
    db.session.add_all([module, revision])
    db.session.flush()
    revision.published_at = revision.created_at
    revision.change_summary = "loaded from the curriculum"
    module.published = revision
    db.session.flush()
    audit.record(
        None, "module.publish", authoring.subject(module), "published version 1: curriculum"
    )
    return module


def _edited_in_studio(module: Module, spec: ModuleSpec) -> str:
    """Why a module a person published is left alone, and whether the shipped file moved on."""
    if module.published is None:
        return "made in the studio and never published; the shipped file was not loaded"
    loaded = db.session.scalar(
        select(ModuleRevision)
        .where(
            ModuleRevision.module_id == module.id,
            ModuleRevision.published_at.is_not(None),
            ModuleRevision.published_by_id.is_(None),
        )
        .order_by(ModuleRevision.number.desc())
        .limit(1)
    )
    why = f"edited in the studio (learners see version {module.published.number})"
    if loaded is None or content_io.spec_from_revision(module, loaded) != _as_stored(module, spec):
        return why + (
            "; the shipped file has changed since it was last loaded: import it in the "
            "studio as a draft to review the differences"
        )
    return why + "; the shipped file has not changed"
