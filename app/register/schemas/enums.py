"""The closed vocabularies of entity fields: roles, kinds, frequencies,
consent, articles, conditions and statements."""

from __future__ import annotations

from enum import StrEnum


class RecipientRole(StrEnum):
    INDEPENDENT_CONTROLLER = "independent_controller"
    JOINT_CONTROLLER = "joint_controller"
    PROCESSOR = "processor"
    INTERNAL = "internal"
    NOT_STATED = "not_stated"


class RecipientKind(StrEnum):
    GOVERNMENT_DEPARTMENT = "government_department"
    GOVERNMENT_AGENCY = "government_agency"
    LOCAL_AUTHORITY = "local_authority"
    COUNCIL_SERVICE = "council_service"
    SCHOOL = "school"
    REGULATOR = "regulator"
    AWARDING_BODY = "awarding_body"
    POLICE = "police"
    CHARITY = "charity"
    HEALTH_BODY = "health_body"
    INDIVIDUAL = "individual"
    COURT_OR_LEGAL = "court_or_legal"
    EDUCATION_PROVIDER = "education_provider"
    COMPANY = "company"
    OTHER = "other"


class Frequency(StrEnum):
    ROUTINE = "routine"
    ON_REQUEST = "on_request"
    NOT_STATED = "not_stated"


class ConsentRequirement(StrEnum):
    CONSENT_REQUIRED = "consent_required"
    WITHOUT_CONSENT_WHERE_LAW_ALLOWS = "without_consent_where_law_allows"
    NOT_STATED = "not_stated"


class PurposeKind(StrEnum):
    PROCESSING = "processing"
    SHARING = "sharing"
    DATA_COLLECTION = "data_collection"


class LegislationKind(StrEnum):
    ACT = "act"
    REGULATIONS = "regulations"
    PROVISION = "provision"
    GROUP = "group"


class LawfulBasisArticle(StrEnum):
    ARTICLE_6 = "article_6"
    ARTICLE_9 = "article_9"


class ConditionKind(StrEnum):
    AGE_THRESHOLD = "age_threshold"
    RESTRICTION_RIGHT = "restriction_right"
    SCOPE = "scope"
    OTHER = "other"


class ExercisedBy(StrEnum):
    PARENT_OR_GUARDIAN = "parent_or_guardian"
    DATA_SUBJECT = "data_subject"
    CONTROLLER = "controller"
    RECIPIENT = "recipient"


class StatementKind(StrEnum):
    SCOPE = "scope"
    SPECIAL_CATEGORY = "special_category"
    DATA_PROVISION = "data_provision"
    STORAGE_ACCESS = "storage_access"
    SHARING_POLICY = "sharing_policy"
    THIRD_PARTY_RELEASE = "third_party_release"
    RIGHTS = "rights"
    CONSENT = "consent"
    COMPLAINTS = "complaints"
    RELATED_NOTICE = "related_notice"
    OTHER = "other"


class ThirdCountryTransfers(StrEnum):
    NONE = "none"
    SOME = "some"
    NOT_STATED = "not_stated"
