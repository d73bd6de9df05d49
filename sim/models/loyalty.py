"""Reference model: loyalty from reinforced preferences (Weisbuch, Kirman & Herreiner 2000)."""

from pydantic import BaseModel, ConfigDict


class LoyaltyConfig(BaseModel):
    """The ``loyalty:`` section."""

    model_config = ConfigDict(extra="forbid")
