"""JSON-LD with the W3C Data Privacy Vocabulary (DPV 2.3).

Every sharing arrangement, national data collection and purpose is a
``dpv:Process``. Terms come only from DPV's published term lists (``dpv:``,
``pd:``, ``eu-gdpr:``); the register's own entities get IRIs under the API
(their detail paths), Acts and regulations their legislation.gov.uk
identifier URIs. Each process links to the register's own data category
nodes (which carry the special category flag) and also directly to the
``pd:`` term that fits, so DPV tools that only know ``pd:`` find them too.
The document is built as plain dicts: no RDF library at run time.

Each fact the notice does not simply state has an RDF statement node (an
``rdf:Statement`` about the entity, the property the export uses for the
fact and, for a value, the value) carrying its basis (``dsr:basis``):

- ``inferred``: the triple is asserted, and its statement node says how it
  was read: ``prov:wasDerivedFrom`` the quotes it rests on (``prov:value``),
  ``prov:wasGeneratedBy`` an activity of type ``dpv:Infer``, and the one-line
  reasoning as ``rdfs:comment``;
- ``reference``: ``prov:wasDerivedFrom`` the official source;
- ``not_stated``: no triple can be asserted; the statement node has no object
  and ``dpv:hasApplicability`` ``dpv:NotAvailable`` (a fact every arrangement
  has, such as what it shares) or ``dpv:UnknownApplicability`` (anything else),
  DPV's way of saying a value is required or possible but not given;
- an open list (``exhaustive: false``: the notice's examples) says so with
  ``dsr:exhaustive false``.

The statement's property is the one the export asserts the fact with
(``rdf:type`` for special category data and a recipient's kind); a law is
``dpv:hasApplicableLaw`` of the entity, though the export asserts it on the
process's ``dpv:LegalObligation``; a fact the export has no property for is
``dsr:<field>``.

A fact without a statement node is stated by the notice, in the words of the
entity's own sources.
"""

from app.exports.jsonld.document import FORMAT, MEDIA_TYPE, build, response
from app.exports.jsonld.negotiation import prefers_jsonld
from app.exports.jsonld.terms import known_terms

__all__ = ["FORMAT", "MEDIA_TYPE", "build", "known_terms", "prefers_jsonld", "response"]
