"""What the content apps need from the headless layer above them, asked for in one way.

home and sitecontent know nothing of cms (the floors: config, then cms, then home and
sitecontent, then this package), yet a few things they do need it: rendering a page, previewing
the whole site, drawing an image from its prepared renditions, knowing who works in which
locale. Each such need is a `Provider`, declared by the content app that asks
(`RENDER_PAGE = Provider(...)`), provided by cms (`RENDER_PAGE.provide(fn)`, in
cms/wagtail_hooks.py, a Wagtail hook underneath) and asked for by calling it.

A room of cms asks the same way where its models need what a room above them does (a release
is launched and previewed by code that needs the release's models: cms.releases.models).

One rule for all of them: exactly one function provides each. None, or two, is an error at
startup (the system check below, `manage.py check`, run by runserver and migrate) and an
ImproperlyConfigured if asked anyway: never a silent default, such as every translator working
in every locale because nothing said otherwise.
"""

from collections.abc import Callable
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

DECLARED: list["Provider"] = []


class Provider:
    def __init__(self, name: str, need: str) -> None:
        self.name = name  # the Wagtail hook's name
        self.need = need  # what goes wrong without it, for the error
        DECLARED.append(self)

    def __repr__(self) -> str:
        return f"Provider({self.name!r})"

    def provide(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        hooks.register(self.name, fn)
        return fn

    def problem(self) -> str | None:
        found = hooks.get_hooks(self.name)
        if len(found) == 1:
            return None
        provided = ", ".join(f"{fn.__module__}.{fn.__qualname__}" for fn in found)
        return (
            f"{len(found)} functions provide {self.name!r} ({provided or 'none'}); exactly one "
            f"must, or {self.need}."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if (problem := self.problem()) is not None:
            raise ImproperlyConfigured(problem)
        [fn] = hooks.get_hooks(self.name)
        return fn(*args, **kwargs)


@checks.register()
def check_providers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every need a content app declared is provided, exactly once."""
    return [
        checks.Error(problem, id="providers.E001", obj=provider)
        for provider in DECLARED
        if (problem := provider.problem()) is not None
    ]
