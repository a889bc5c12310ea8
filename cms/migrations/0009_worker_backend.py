from django.db import migrations


def rename(apps, schema_editor, old, new):
    task_results = apps.get_model("django_tasks_database", "DBTaskResult")
    task_results.objects.filter(backend_name=old).update(backend_name=new)


class Migration(migrations.Migration):
    """The worker's task backend was called `webhooks` until it ran image renditions too:
    tasks queued under the old name run under the new one."""

    dependencies = [
        ("cms", "0008_prepared_images"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, editor: rename(apps, editor, "webhooks", "worker"),
            lambda apps, editor: rename(apps, editor, "worker", "webhooks"),
        )
    ]
