"""TILT, the Transparency Information Language (JSON Schema draft-07).

TILT describes disclosures per data category; the register knows them per
sharing arrangement, so each arrangement is one ``dataDisclosed`` entry whose
``category`` names the data categories it states. TILT requires some values
the register does not hold (a representative, yes/no flags about providing
data, the DPO's e-mail address the notice redacts): those say "Not stated"
(or ``false`` for the flags) and are listed in the object's ``x-notStated``.
Where TILT checks a value's format, the placeholder keeps to it: an e-mail
address nobody states is ``not-stated@not-stated.invalid`` (the ``.invalid``
top-level domain is reserved never to exist, RFC 2606 section 2), a URL is
the empty reference. Facts TILT has no field for (data subjects, special
category flags, processors, legislation, conditions) go in ``x-`` fields.

Every object made from a register entity carries ``x-basis``: the basis of
each of its facts (``stated``, ``inferred`` with quotes and reasoning,
``reference``, ``not_stated``; ``exhaustive: false`` on an open list), keyed
as in the API. A stated fact resting on the entity's own notice quotes
(``x-sources``) does not repeat them.
"""

from app.exports.tilt.document import FORMAT, build, response
from app.exports.tilt.fields import NOT_STATED_EMAIL, basis_reference, tilt_duration

__all__ = ["FORMAT", "NOT_STATED_EMAIL", "basis_reference", "build", "response", "tilt_duration"]
