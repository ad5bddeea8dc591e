"""Permissions of a role, read once (issue 12: every request paid two permission
queries, and HTML pages a third for the role names).

`RoleBackend` is Django's ModelBackend except that a user's permissions and role
(group) names come from ONE query and are kept in the cache for `PERMISSION_CACHE_SECONDS`.
Any change to users, groups or permissions bumps a version number that is part of every
key, so the next request reads them again: at once in this process and, with a shared
cache (CACHE_URL, as in production), in every process; with the local-memory cache other
processes may keep the old permissions for at most PERMISSION_CACHE_SECONDS."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import roles

VERSION_KEY = "perm-version"


def _timeout():
    return getattr(settings, "PERMISSION_CACHE_SECONDS", 300)


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def invalidate():
    """Forget every cached permission set (called on any change of users, groups, roles)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _read(user_pk):
    """(permissions as "app_label.codename", group names) in one statement."""
    User = get_user_model()
    user_groups = User.groups.through._meta.db_table
    user_perms = User.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    sql = f"""
        SELECT 'p', ct.app_label, p.codename
          FROM {Permission._meta.db_table} p
          JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id
         WHERE p.id IN (SELECT permission_id FROM {user_perms} WHERE user_id = %s
                        UNION
                        SELECT gp.permission_id FROM {group_perms} gp
                          JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)
        UNION ALL
        SELECT 'g', '', g.name FROM {Group._meta.db_table} g
          JOIN {user_groups} ug ON ug.group_id = g.id WHERE ug.user_id = %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_pk, user_pk, user_pk])
        rows = cursor.fetchall()
    perms = frozenset(f"{app}.{codename}" for kind, app, codename in rows if kind == "p")
    groups = frozenset(name for kind, _app, name in rows if kind == "g")
    return perms, groups


def load(user_obj):
    key = f"perms:{_version()}:{user_obj.pk}"
    cached = cache.get(key)
    if cached is None:
        cached = _read(user_obj.pk)
        cache.set(key, cached, _timeout())
    return cached


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            perms, groups = load(user_obj)
            user_obj._perm_cache = set(perms)
            if getattr(user_obj, "_role_names", None) is None:
                user_obj._role_names = frozenset(groups & set(roles.ROLES))
        return user_obj._perm_cache


# Any change that can alter someone's permissions or roles.
@receiver(m2m_changed, dispatch_uid="perm-cache-m2m")
def _m2m_changed(sender, action, **kwargs):
    User = get_user_model()
    if sender in (User.groups.through, User.user_permissions.through, Group.permissions.through) \
            and action in ("post_add", "post_remove", "post_clear"):
        invalidate()


@receiver(post_save, dispatch_uid="perm-cache-save")
@receiver(post_delete, dispatch_uid="perm-cache-delete")
def _saved(sender, update_fields=None, **kwargs):
    if sender in (get_user_model(), Group, Permission):
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            return  # signing in (or a new password) changes no permission
        invalidate()
