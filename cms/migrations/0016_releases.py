"""Releases (cms.releases), and releases go through *Marketing approval* like the content in
them: on a database whose workflow exists already, the release content type is assigned to it
here, once (a new database gets it with the workflow, made after migrating:
cms.editorial.roles)."""

import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models




def approve_releases_too(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    ContentType = apps.get_model("contenttypes", "ContentType")
    workflow = Workflow.objects.filter(name="Marketing approval").first()
    if workflow is None:
        return
    release, _ = ContentType.objects.get_or_create(app_label="cms", model="release")
    WorkflowContentType.objects.get_or_create(content_type=release, defaults={"workflow": workflow})


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0015_editors_publish_through_approval'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='publishreceipt',
            name='releases',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name='publishreceipt',
            name='kind',
            field=models.CharField(choices=[('content.published', 'Content published'), ('release.published', 'Release published'), ('cache.refreshed', 'Cache refreshed'), ('ping', 'Ping')], default='content.published', max_length=40),
        ),
        migrations.AlterField(
            model_name='webhookevent',
            name='type',
            field=models.CharField(choices=[('content.published', 'Content published'), ('release.published', 'Release published'), ('cache.refreshed', 'Cache refreshed'), ('ping', 'Ping')], max_length=40),
        ),
        migrations.CreateModel(
            name='Release',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('live', models.BooleanField(default=True, editable=False, verbose_name='live')),
                ('has_unpublished_changes', models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes')),
                ('first_published_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at')),
                ('last_published_at', models.DateTimeField(editable=False, null=True, verbose_name='last published at')),
                ('go_live_at', models.DateTimeField(blank=True, null=True, verbose_name='go live date/time')),
                ('expire_at', models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time')),
                ('expired', models.BooleanField(default=False, editable=False, verbose_name='expired')),
                ('locked', models.BooleanField(default=False, editable=False, verbose_name='locked')),
                ('locked_at', models.DateTimeField(editable=False, null=True, verbose_name='locked at')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('description', models.TextField(blank=True, help_text='What the campaign is, for the approvers.', verbose_name='description')),
                ('launched_at', models.DateTimeField(editable=False, null=True, verbose_name='launched at')),
                ('failure', models.TextField(blank=True, editable=False, verbose_name='why it did not go live')),
                ('latest_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision')),
                ('launched_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('live_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision')),
                ('locked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='locked_%(class)ss', to=settings.AUTH_USER_MODEL, verbose_name='locked by')),
                ('rollback_of', models.OneToOneField(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='rolled_back_by', to='cms.release', verbose_name='rolls back')),
            ],
            options={
                'verbose_name': 'release',
                'verbose_name_plural': 'releases',
                'ordering': ['-pk'],
            },
        ),
        migrations.CreateModel(
            name='ReleaseItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('object_id', models.CharField(max_length=64)),
                ('action', models.CharField(choices=[('publish', 'Publish this version'), ('unpublish', 'Unpublish')], default='publish', max_length=10)),
                ('label', models.CharField(max_length=255)),
                ('was_live', models.BooleanField(default=False)),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                ('live_before', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision')),
                ('locale', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.locale')),
                ('release', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='cms.release')),
                ('revision', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision')),
            ],
            options={
                'verbose_name': 'release item',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.RunPython(approve_releases_too, migrations.RunPython.noop),
    ]
