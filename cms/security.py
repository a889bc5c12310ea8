from django.conf import settings


def client_ip(request):
    """The client's address: nginx's X-Real-IP behind our proxy, else the socket's peer."""
    if settings.CMS_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")
