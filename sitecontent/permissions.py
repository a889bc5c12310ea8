"""Who may do what with which item of site content.

Django's model permissions say what someone may do with a kind of content ("change heroes").
Site content is also scoped by locale: the app that knows who works where (the headless
layer's locale teams) answers as the LOCALES_OF_USER provider, and this policy applies the
answer to every per-object check Wagtail makes and to every listing. Without a provider the
site does not start (providers.check_providers): nobody works in every locale by omission.
"""

from wagtail.permission_policies import ModelPermissionPolicy

from providers import Provider

# fn(user) -> the ids of the locales the user works in, or None for every locale.
LOCALES_OF_USER = Provider(
    "sitecontent_locales_of_user", "every translator would work in every locale"
)

# fn(user) -> whether the user may change what is live without approval. Everyone else saves
# drafts and submits them: publishing, unpublishing, unscheduling and reordering are hidden
# from them (and refused on the server by the headless layer's approval gate).
PUBLISHES_WITHOUT_APPROVAL = Provider(
    "sitecontent_publishes_without_approval", "every editor would publish without approval"
)
LIVE_ACTIONS = frozenset({"publish", "reorder"})

# Actions that only read: not scoped, so a translator can open the source they translate from.
READ_ACTIONS = frozenset({"view"})


def locales_of(user):
    """The ids of the locales `user` works in, or None for every locale."""
    if not user.is_active:
        return frozenset()
    return LOCALES_OF_USER(user)


def works_in(user, locale_id):
    locale_ids = locales_of(user)
    return locale_ids is None or locale_id in locale_ids


class LocaleScopedPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, granted on an object only in the locales the user works in;
    publishing and reordering only to those who may do so without approval."""

    def user_has_permission(self, user, action):
        return super().user_has_permission(user, action) and (
            action not in LIVE_ACTIONS or PUBLISHES_WITHOUT_APPROVAL(user)
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            action in READ_ACTIONS or works_in(user, instance.locale_id)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        locale_ids = None if READ_ACTIONS.intersection(actions) else locales_of(user)
        return instances if locale_ids is None else instances.filter(locale_id__in=locale_ids)
