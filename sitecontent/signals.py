from django.dispatch import Signal

# Sent after drag-and-drop reordering committed (it writes with QuerySet.update, so no
# post_save or published signal tells anyone). Arguments: sender (the model), translation_keys
# (the translation groups whose position changed).
reordered = Signal()
# Sent inside the reordering's transaction, before it commits (same arguments): for what must
# change together with the order, atomically.
reordering = Signal()
