"""The dispatch board's poll when nothing moved: the browser sends the version it has
(If-None-Match) and gets 304 without the board being rendered."""


def register(measure, samples):
    from .pages import _user

    headers = {"HTTP_HX_REQUEST": "true"}

    def remember_version():
        response = _user("dispatcher", samples).get("/dispatch/body/", HTTP_HX_REQUEST="true")
        headers["HTTP_IF_NONE_MATCH"] = response["ETag"]

    measure("board: poll, nothing changed", "/dispatch/body/", headers=headers, setup=remember_version,
            budget=60)
    measure("escalations page: level 2 only", "/tickets/escalations/?level=level_2", user="supervisor")
