"""The classification dimensions the engine gives each counted dossier (and the cube's
columns); the registry's indicators filter on them."""

INTAKE = "intake"  # new | carried
OUTCOME = "outcome"  # early | on_time | late | pending_in_time | pending_overdue |
#                      pending_waiting | withdrawn
CHANNEL_GROUP = "channel_group"  # online | offline (direct + postal) | unknown (no column)
WEEK = "week"  # Monday of the week of receipt (new dossiers)
SERVICE = "service"  # full | partial | info | unknown: the procedure's online-service level
POSTAL = "postal_return"  # yes | no: result returned by public postal service
DIGITISED = "digitised"  # yes | no
PAID_ONLINE = "paid_online"  # yes | no
GROUP = "interconnected"  # yes | no: belongs to an interconnected service group
ATTRIBUTES = (SERVICE, POSTAL, DIGITISED, PAID_ONLINE, GROUP)

OUTCOMES = ("early", "on_time", "late", "pending_in_time", "pending_overdue", "pending_waiting",
            "withdrawn")

YES_NO = ("yes", "no")
# Every value the engine gives each dimension (engine.classify_sql and the canonical table);
# a registry filter naming any other value is refused when the registry is built.
VALUES = {
    INTAKE: ("new", "carried"),
    OUTCOME: OUTCOMES,
    CHANNEL_GROUP: ("online", "offline", "unknown"),
    SERVICE: ("full", "partial", "info", "unknown"),
    POSTAL: YES_NO,
    DIGITISED: YES_NO,
    PAID_ONLINE: YES_NO,
    GROUP: YES_NO,
}
