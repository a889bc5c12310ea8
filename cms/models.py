# cms owns no content of its own; this module exists so that Django sends cms its post_migrate
# signal (apps without a models module get none), which sets up the editorial roles.
