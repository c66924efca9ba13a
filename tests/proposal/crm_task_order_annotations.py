"""Requirements of the USDS TechFAR Hub sample "Request for Quote: Enterprise Collaboration and Customer
Relationship Management Correspondence System Implementation", Task Order 0001 (a DRAFT RFQ with a Statement of
Objectives, Instructions to Offerors and Evaluation of Offers): usds-techfar-hub-samples/CRMTaskOrder_Sample_DRAFT.docx.

Annotated by hand from the document text (its `CRMTaskOrder_Sample_DRAFT.docx.txt` twin; the table rows from
the DOCX tables read with python-docx), BEFORE the shredder was run on this file (held-out evaluation data for
issue 10, item 7: no test annotated or tuned the shredder on this document).

Sections: a Word file has no pages, and this one has no section numbers in its text (its headings are numbered
by Word's list numbering, which the text does not carry; the one printed number, "7.2.1", is in a list item).
So each requirement is placed by the headings printed above it, as a path "Part > Heading": Part is "A"
(Section A: Statement of Objective), "B" (SECTION B: Instructions to Offerors) or "C" (Section C: Evaluation
of Offers), or "" for the RFQ overview above Section A; Heading is the nearest heading line as printed (Word
heading styles in Part A; in Parts B and C the headings are body paragraphs in capitals or "FACTOR n - ...").
"B > SECTION II – PRICE" and "C > SECTION II – PRICE" are different parts of the document with the same heading.

What is annotated: every shall / must / will / should sentence that binds the contractor, the offeror, the
system or the Government, the objectives, scope and its list items, award-term rules, stakeholders' duties,
the instructions to offerors (each item of each "shall include the following:" list), the evaluation
statements, and the rows of the document's three tables (the CLIN table, the iteration pricing table, the
system instances table without its header row). Not annotated: template notes to the agency ("Insert
technical and agency background ...", "Include listing of the basic features ..."), pure descriptions, the
table of contents, the appendix list, and lead-ins left without items ("Functional Requirements, ... may
include, but are not limited to:", "Stakeholders: For this effort the following offices ...").

Format: `ANNOTATED = [(section_path, "whole sentence"), ...]`. Each entry is one WHOLE sentence verbatim from the
text, or a whole list item (without its marker; an item of several sentences is given sentence by sentence),
or a whole table row written "cell | cell" (a table row is one entry: the sentences inside a cell are not
annotated again). Normalised only: line breaks, tabs and runs of whitespace become one space. Quotes, dashes
and the document's own typos ("evaluate the whether", "(AFDO)") are kept as printed; items that print without
a full stop ("Quotes shall be submitted to") are kept so. Sentences repeated with the same words in two parts
(the assumptions paragraphs of B and C) are annotated in each part.
Scoring (whole-sentence recall): a requirement is found when one matrix row contains the whole sentence or row
(compared flattened to [a-z0-9]); the loose check also asks that the row's section contains the heading.
"""

_DEV = (
    "Development | Description: The Development instance(s) will exist as the primary development site for "
    "integrators to fix bugs, develop new features, and test unit functionality to ensure items are ready for "
    "update to Staging. These instances will be accessed typically only by administrators and developers. "
    "Purpose: To provide isolated system instance(s) for active development and/or Unit Testing. User-base: "
    "Integrator development team and infrequently the Integrated Project Team as required. Availability: The "
    "Development instance(s) shall not be bound to any Service Level Agreement and may be subject to maintenance "
    "and upkeep on an as-needed basis. Feature Set: The Development instance(s) shall run the code version "
    "required for active development. Data: The Development instance(s) shall dummy data such that it is "
    "rendered non-sensitive and non-specific for the purposes of development."
)
_STAGING = (
    "Staging | Description: The Staging instance shall be a system for formal User Acceptance Testing and "
    "Training as well as collaboration with the Integrated Project Team and agency user community. Purpose: "
    "To separate User Acceptance Testing and Training activities from Unit Testing or Production activities. "
    "User-base: Integrator development team, the Integrated Project Team, and designated users for testing "
    "and training as required. Availability: The Staging instance shall be generally available to "
    "Integrated Project Team members during working hours (7:30am – 7:30pm) and at the integrator’s "
    "discretion for maintenance and upkeep. Feature Set: The Staging instance shall run the most current "
    "version of the production code. It may be updated with Unit Test or new release code until being fully "
    "replaced with the current code after the next production release. Data: The Staging instance shall "
    "include masked, truncated, or redacted agency data such that it is rendered non-sensitive for the "
    "purposes of testing and training."
)
_PRODUCTION = (
    "Production | Description: The Production instance shall be a system supporting the work of active "
    "Production instance users. Purpose: To separate development and testing activities from actual "
    "government business processes and records. User-base: The integrator’s development team, the "
    "Integrated Project Team, and the Production user community. Availability: The Production instance "
    "shall be available for user access in accordance with the service level agreement for the platform. "
    "Feature Set: The Production instance shall run the current version of the production code feature "
    "set after a release to production. The Production and Recovery instances must run the same code "
    "version at all times. Data: The Production instance shall include live, SBU agency data and only be "
    "modified by authorized users within their assigned security roles. The data set active on the "
    "Production instance should be complete, comply with both Federal Records Act (FRA) requirements, be "
    "backed up in accordance with the platform disaster recovery plan, and be able to be properly "
    "exported for transfer to National Archives and Records Administration (NARA) at the appropriate "
    "times."
)
_RECOVERY = (
    "Recovery | Description: The Recovery instance shall be an entirely separate, hot fail-over system to "
    "support the work of the Production instance users in the event of an outage or inaccessible Production "
    "instance. Purpose: To provide continuity of operations for critical business processes as well as "
    "recovery and preservation of production data in the event of a catastrophic outage with the Production "
    "instance. User-base: The integrator’s development team, the Integrated Project Team, and the "
    "Production user community. Availability: The Recovery instance shall be available for user access in "
    "accordance with the service level agreement for the platform. Feature Set: The Recovery instance shall "
    "run the current version of the production code feature set after a release to production. The "
    "Production and Recovery instances must run the same code version at all times. Data: The Recovery "
    "instance shall include live, SBU agency data and only be modified by authorized users within their "
    "assigned security roles. The data set active on the Recovery instance should be complete, comply with "
    "both Federal Records Act requirements, be backed up in accordance with the platform disaster recovery "
    "plan, and be able to be properly exported for transfer to NARA at the appropriate times."
)

_T1 = "A > Task 1: Initial Environment System Configuration and Implementation"
_T2 = "A > Task 2: CRM Application Design and Implementation"
_T3 = "A > Task 3: Data Import collected from Legacy Systems"
_T6 = "A > Task 6: Documentation and Training"
_AWARD_TERM = "A > Order Type/Award Term Option Incentive"
_CLIN = "A > Contract Line Item Number (CLIN) Format"
_B_F1 = "B > FACTOR 1 – Performance Work Statement"
_B_F2 = "B > FACTOR 2 – Proposed Quality Assurance Surveillance Plan (QASP)"
_B_TA = "B > Technical Assumptions, Conditions, or Exceptions"
_B_PRICE = "B > SECTION II – PRICE"
_B_PA = "B > Price Assumptions, Conditions, or Exceptions"
_C_EVAL = "C > Evaluation and Basis of Award"
_C_PA = "C > Price Assumptions, Conditions, or Exceptions"

ANNOTATED = [
    # Request for Quote Overview- Task Order 0001
    (
        "",
        "The AGENCY intends to award an initial Task Order under the Multiple Award Blanket Purchase Agreement for "
        "SalesForce Development Support Services to support the implementation of a Customer Relationship "
        "Management System (CRM) Application utilizing the SalesForce Platform.",
    ),
    (
        "",
        "Note: All sections of this RFQ will be incorporated into the contract except the Statement of Objectives, "
        "Instructions, and Evaluation Factors.",
    ),
    # Section A: Statement of Objective > Objective
    (
        "A > Objective",
        "The objective of this task order is to utilize the agile development process to establish to "
        "develop a Customer Relationship Management (CRM) application for the AGENCY.",
    ),
    (
        "A > Objective",
        "PRODUCT VISION: The purpose of the Customer Relationship Management application will be to "
        "maintain a centralized view of all interactions and improve the outreach experience to citizens "
        "contacting and engaging with the AGENCY through various methods.",
    ),
    (
        "A > Objective",
        "This new system will replace all critical and major businesses processes supported today by "
        "the legacy CRM system and any additional legacy systems.",
    ),
    (
        "A > Objective",
        "For this task order, the contractor will utilize their proposed agile software development "
        "methodology to implement the CRM system.",
    ),
    (
        "A > Objective",
        "Each iteration shall be defined in the Performance Work Statement and should document how "
        "planning, requirement analysis (user story building), design, coding, testing, quality "
        "assurance, and documentation will all meet the contractor’s proposed “Definition of Done”.",
    ),
    (
        "A > Objective",
        "A minimum viable product of this system is expected within the first 6 months under this task "
        "order.",
    ),
    (
        "A > Objective",
        "It is the Agency’s desire that the critical components which are defined as “must haves” in "
        "Appendix X are included to the greatest extent possible in the MVP.",
    ),
    # Scope
    (
        "A > Scope",
        "The scope of this task order falls under Functional Areas 1, 2, 3 & 6 of the Blanket Purchase "
        "Agreement (BPA) and includes:",
    ),
    ("A > Scope", "Initial application design and implementation"),
    ("A > Scope", "System configuration to support business processes"),
    ("A > Scope", "Integration for input and output methods"),
    ("A > Scope", "Workflow design and implementation"),
    ("A > Scope", "Overall collaboration of applications"),
    ("A > Scope", "Enhancements, patches, and updates to applications, data, or cloud systems"),
    ("A > Scope", "Data import of records collected from legacy systems"),
    ("A > Scope", "Automated testing"),
    ("A > Scope", "Training of end users on the systems"),
    ("A > Scope", "Workstations, data centers, server systems, and connectivity"),
    ("A > Scope", "Supporting Legacy applications/systems"),
    # Period and Place of Performance
    (
        "A > Period and Place of Performance",
        "The period of performance start date of the acquisition is XX/XX/XXXX",
    ),
    (
        "A > Period and Place of Performance",
        "The primary place of performance for this effort will be at government "
        "or contractor facilities if designated.",
    ),
    # Order Type/Award Term Option Incentive
    (_AWARD_TERM, "This task order shall be Firm Fixed Price/Award Term Option Incentive."),
    (
        _AWARD_TERM,
        "For this task order the Government will offer two (2) Award Term Options which may encompass future "
        "enhancements, releases, development efforts, or operations & maintenance related to the "
        "establishment of the Enterprise Collaboration platform or the CRM application.",
    ),
    (
        _AWARD_TERM,
        "Award Terms may only be awarded for an overall “Excellent” performance rating based on mutually "
        "accepted metrics, which will be included in an Award Term Plan to be executed on or around Kick "
        "Off.",
    ),
    (
        _AWARD_TERM,
        "The Government will appoint an Award Term Determining Official (AFDO) who will provide the official "
        "performance review and approval for an Award Term Option to be exercised.",
    ),
    (
        _AWARD_TERM,
        "The ATDO in conjunction with the Contracting Officer will make a unilateral decision as to the "
        "exclusion of any portion of the performance period from the evaluation of ratings and calculation "
        "of the award term.",
    ),
    (
        _AWARD_TERM,
        "Award Term Options are not required to be consecutive with the previous period of performance of "
        "the base period or additional options, but may not be exercised longer than 6 months after the "
        "final date of the period of performance.",
    ),
    (_AWARD_TERM, "Award Term Options can be awarded for no more than one year."),
    (
        _AWARD_TERM,
        "They are contingent on continued Government requirements and funding availability for the CRM "
        "application.",
    ),
    (
        _AWARD_TERM,
        "The Award Term Options are un-priced options that will be negotiated and approved from a technical "
        "and budgetary standpoint prior to the Contracting Officer awarding the option.",
    ),
    (
        _AWARD_TERM,
        "Award Term Options must adhere to the proposed Agile methodology and processes as awarded at the "
        "BPA level unless an exception is provided by the Contracting Officer prior to award.",
    ),
    # Contract Line Item Number (CLIN) Format, with its two tables
    (
        _CLIN,
        "The Offeror shall submit their proposed CLIN structure in a manner that represents agile software "
        "development methodology in which iterations are priced.",
    ),
    (_CLIN, "BASE PERIOD: 6 months"),
    (
        _CLIN,
        "CLIN 0001, FFP- Completion - The Contractor shall provide services for the Government in accordance with "
        "the Performance Work Statement (PWS)",
    ),
    (_CLIN, "Length of Iteration | _______Weeks"),
    (_CLIN, "Price Per Iteration | $XXXXX"),
    (_CLIN, "Period of Performance: | 6 months"),
    (_CLIN, "Firm Fixed Price (Completion): | $XXXXX"),
    (
        _CLIN,
        "The contractor shall be paid upon the completion of each iteration upon its acceptance and verification "
        "by the Contracting Officer’s Representative (COR).",
    ),
    (
        _CLIN,
        "Invoices shall be submitted at the end of each iteration in accordance with the delivery schedule as "
        "established in the Performance Work Statement.",
    ),
    # Technical Overview > Technical Environment
    (
        "A > Technical Environment",
        "The platform will contain Sensitive But Unclassified (SBU) and Personally "
        "Identifiable Information (PII).",
    ),
    ("A > Technical Environment", "No classified information will be contained in these systems."),
    (
        "A > Technical Environment",
        "Federal Information Processing Standard (FIPS) 199 classification is likely High "
        "for Availability, Moderate for Integrity, and Low for confidentiality.",
    ),
    # Stakeholders
    (
        "A > Stakeholders",
        "For the completion of this task, the AGENCY will provide access to the following stakeholders:",
    ),
    (
        "A > Stakeholders",
        "Product Owner: Will manage designated products and communicate with the stakeholder "
        "community, are empowered to make business decisions rapidly, set work priorities within "
        "designated products, and will remove obstacles to product success.",
    ),
    (
        "A > Stakeholders",
        "Product owners make the final call on functionality and features for their products.",
    ),
    (
        "A > Stakeholders",
        "Contracting Officer’s Representative (COR): Will be responsible for approving end "
        "deliverables, managing the Quality Assurance Surveillance Plan (QASP), evaluating "
        "performance, and managing schedule according to the submitted Performance Work Statement "
        "(PWS)",
    ),
    (
        "A > Stakeholders",
        "End Users may be used in this effort in usability testing and/or customer satisfaction surveying.",
    ),
    # Required Tasks > Task 1
    (
        _T1,
        "Objective: Contractor shall provide the AGENCY with a secure, stable, records compliant, commercial "
        "collaboration, workflow enabled environment.",
    ),
    (
        _T1,
        "The contractor shall design the system for maximum interoperability across all AGENCY offices to ensure "
        "flexibility in leveraging the system for future applications.",
    ),
    (
        _T1,
        "The contractor shall configure the following system instances to support tiered code-release separation "
        "and quality assurance and an automatic testing methodology:",
    ),
    (
        _T1,
        "The contractor shall seek to configure off-the-shelf aspects of the selected platform before recommending "
        "a customized coding approach.",
    ),
    (
        _T1,
        "The contractor shall develop system configuration in such a manner as to leverage maximum re-use and "
        "sharing across the platform.",
    ),
    (
        _T1,
        "The contractor shall ensure that all changes with impacts to other applications on the platform are "
        "minimized.",
    ),
    (
        _T1,
        "Where such changes are required, they shall be documented and the release coordinated well in advance "
        "with the appropriate product owner and development team.",
    ),
    (
        _T1,
        "The contractor shall provide incremental documentation through sprint cycles that results in full "
        "technical documentation or configuration for all software development efforts and product releases with "
        "all information necessary to document processes, procedures, code artifacts, and/or policies that were "
        "implemented in the creation of the development work.",
    ),
    (
        _T1,
        "Once any functionality is released under this call, it shall be the responsibility of the contractor to "
        "fix at their own expense any resulting bugs or system defects that are related directly to the "
        "contractor’s implementation, code, or application design.",
    ),
    (
        _T1,
        "The fix of these bugs shall not affect other scheduled user stories, deliverables, or releases and shall "
        "be at no cost to the government.",
    ),
    (
        _T1,
        "This requirement for fixing bugs or defects is not considered system maintenance or application "
        "enhancements.",
    ),
    # Task 1: the system instances table (rows; header "Instance Name | Description and Purpose" not annotated)
    (_T1, _DEV),
    (_T1, _STAGING),
    (_T1, _PRODUCTION),
    (_T1, _RECOVERY),
    (
        _T1,
        "The contractor shall design and implement a user rights, permissions, and security model as notionally "
        "described in APPENDIX A -Rights Model Spreadsheet.",
    ),
    (
        _T1,
        "The system shall securely transmit all data using Secure Socket’s Layer encryption at 128-bit or higher.",
    ),
    (_T1, "The system shall restrict all network traffic to be accessible only from designated networks."),
    (_T1, "The contractor shall design database entities to comply with the FRA as amended:"),
    (
        _T1,
        "The contractor shall configure the system such that complete sets of database records (FRA) can be easily "
        "exported into separate, discrete export files.",
    ),
    # Task 2
    (
        _T2,
        "Objective: The contractor shall design and implement basic system features to support traditional CRM "
        "functions including the following:",
    ),
    (
        _T2,
        "One centralized constituent record per citizen with links to all associated vital data and correspondence "
        "records",
    ),
    (_T2, "Newsletters (bulk e-mail)"),
    (_T2, "Reports and dashboards"),
    (_T2, "Advanced search"),
    (_T2, "External web forms (Contact Us)"),
    (_T2, "Internal web forms (Greetings)"),
    (_T2, "Rules engines, workflow, analytics, and service-level-agreements"),
    (_T2, "Ad-hoc data import and export"),
    (_T2, "Document version control, workflow, and library templates/repository"),
    (
        _T2,
        "The contractor shall architect system objects, fields, and database entries to support the associated "
        "business processes.",
    ),
    (
        _T2,
        "The contractor shall utilize the system support business processes as described in APPENDIX B-Vignettes "
        "Slide Deck and APPENDIX C –User Stories as the basis for the CRM application.",
    ),
    (
        _T2,
        "While it is anticipated the MVP will include these initial features the final User Stories implemented "
        "will be prioritized and managed by the Product Owner and/or COR in conjunction with the contractor based "
        "upon a mutual agreed upon Product Roadmap and Backlog.",
    ),
    (
        _T2,
        "The contractor shall ensure the system is configured to support expansion for additional requirements.",
    ),
    (_T2, "The contractor shall configure the system in a way to support “Open Source” publishing."),
    # Task 3
    (
        _T3,
        "Objective: The contractor shall import data collected from legacy systems in a manner that maintains vital "
        "record data such as name, address, e-mail address; association data such as group-membership, interests, "
        "contact preferences, flags, and affiliations; as well as correspondence items, linkage with constituent "
        "record, contact history, and attachments.",
    ),
    (
        _T3,
        "The contractor shall analyze, assist with exports, de-duplicate/scrub, prepare, and import data that has "
        "been collected from legacy systems including:",
    ),
    (_T3, "The primary legacy CRM system,"),
    (_T3, "Provided as a government intermediary MySQL database available to the contractor"),
    (_T3, "Approximately 40GB of data and 400GB of file attachments"),
    (
        _T3,
        "The contractor shall work with the government stakeholder offices during design sessions to identify and "
        "separate legacy system data into two sets of relevant data: Operational data records and Historical data "
        "records.",
    ),
    (
        _T3,
        "Operational data records are required for critical business processes and shall be prioritized, imported, "
        "and available to users at system activation",
    ),
    (
        _T3,
        "Historical data which must be imported to ensure overall data integrity for the stakeholder departments "
        "and shall be treated as a lesser priority than operational data but planned for with regard to overall "
        "data integrity",
    ),
    (
        _T3,
        "The contractor shall verify in writing to the Government that data migrated from the legacy system to the "
        "new system is complete and accurate in accordance with the Federal Records Act and any other applicable "
        "federal law, according to the agreed upon framework coordinated with AGENCY and the Contractor and that "
        "all data is accessible.",
    ),
    # Task 6
    (
        _T6,
        "Objective: The contractor shall provide complete documentation for all systems and applications and "
        "provide training that will enable end users to utilize the system.",
    ),
    (
        _T6,
        "The contractor shall provide comprehensive training materials for end users and system administrators for "
        "utilization and administration of the system.",
    ),
    (_T6, "Videos or self-guided training materials may be used"),
    (_T6, "Training features built into the system are used to the greatest extent possible"),
    (
        _T6,
        "The contractor shall provide initial end-user training on a per-department basis during the initial "
        "on-boarding of users to the new system.",
    ),
    (
        _T6,
        "The contractor shall provide “train-the-trainer“ classes for selected trainers and administrators.",
    ),
    # Operational Constraints
    (
        "A > Operational Constraints",
        "The system shall store records in a manner compliant with both the Federal "
        "Records Act (FRA) of 1950",
    ),
    (
        "A > Operational Constraints",
        "The system shall enable export and transfer of records to the National Archive "
        "and Records Administration (NARA) in an agreed upon file format.",
    ),
    ("A > Operational Constraints", "All applications must meet Section 508 Accessibility Requirements"),
    # Deliverables
    (
        "A > Deliverables",
        "Deliverables under this Task Order are defined as the completion and acceptance according "
        "to the “Definition of Done” as proposed for this task order, which are based on the "
        "contractor’s agile software development methodology.",
    ),
    (
        "A > Deliverables",
        "Each deliverable shall incorporate AGENCY IT requirements as detailed in the Appendix of "
        "this document and the United States Digital Service Playbook standards "
        "(https://playbook.cio.gov) and be compliant with Section 508.",
    ),
    # Inspection and Acceptance > Overview, Notice Regarding Late Delivery, Default Acceptance
    (
        "A > Overview",
        "The contractor shall ensure proper control and coordination of all deliverables to ensure they "
        "are on time.",
    ),
    (
        "A > Overview",
        "Unless otherwise stated, the Government will review deliverables and notify the contractor of "
        "acceptance or non-acceptance within 5 business days.",
    ),
    (
        "A > Overview",
        "Representatives of the contractor shall meet with the COR and other members of the Government "
        "as necessary to review status of deliverables.",
    ),
    (
        "A > Notice Regarding Late Delivery",
        "The Contractor shall notify the COR, or other authorized representative "
        "designated in each Task Order, as soon as it becomes apparent to the "
        "Contractor that a scheduled delivery will be late.",
    ),
    (
        "A > Notice Regarding Late Delivery",
        "The Contractor shall include in the notification the rationale for late "
        "delivery, the expected date for the delivery, and the project impact of "
        "the late delivery.",
    ),
    (
        "A > Notice Regarding Late Delivery",
        "Such notification in no way limits any Government contractual rights or "
        "remedies, including, but not limited to, termination.",
    ),
    (
        "A > Default Acceptance",
        "Notwithstanding the foregoing, any deliverable requiring acceptance by the Government "
        "shall be deemed to be accepted by the Government if no written notice of "
        "non-conformity has been received by the Contractor within the acceptance period.",
    ),
    # SECTION B: Instructions to Offerors > SUBMISSION OF QUOTES
    (
        "B > SUBMISSION OF QUOTES",
        "Quotes shall be submitted by 12:00 noon Eastern Standard Time on Month, Day, Year.",
    ),
    ("B > SUBMISSION OF QUOTES", "Quotes shall be submitted to"),
    (
        "B > SUBMISSION OF QUOTES",
        "Quote submission will consist of two (2) parts: Technical Submission and Price",
    ),
    (
        "B > SUBMISSION OF QUOTES",
        "In addition to price the following factors will be used to determine best value.",
    ),
    ("B > SUBMISSION OF QUOTES", "Technical factors are more important than price:"),
    ("B > SUBMISSION OF QUOTES", "Performance Work Statement"),
    ("B > SUBMISSION OF QUOTES", "Proposed QASP"),
    # SECTION I - TECHNICAL SUBMISSION
    ("B > SECTION I - TECHNICAL SUBMISSION", "The Technical submission shall include the following:"),
    ("B > SECTION I - TECHNICAL SUBMISSION", "FACTOR 1 – Performance Work Statement (PWS)"),
    ("B > SECTION I - TECHNICAL SUBMISSION", "FACTOR 2 – Notional Quality Control Plan"),
    ("B > SECTION I - TECHNICAL SUBMISSION", "Technical Assumptions, Conditions or Exceptions"),
    # FACTOR 1 – Performance Work Statement
    (
        _B_F1,
        "Offerors shall provide a Performance Work Statement (PWS) in response to the Statement of Objectives and "
        "this RFQ.",
    ),
    (
        _B_F1,
        "The deliverables under this PWS are to have functionality scheduled for an available release without "
        "defects.",
    ),
    (
        _B_F1,
        "The PWS shall clearly illustrate the process through which agile development of software in small "
        "iterations lasting two to five weeks, which results in the delivery of usable product.",
    ),
    (
        _B_F1,
        "The Offeror must propose a “Definition of Done” that will establish the criteria must be met before a "
        "“product increment” or User Story is considered done.",
    ),
    (
        _B_F1,
        "The PWS shall describe how user stories are to be sized, how estimation and determination of sizes shall "
        "be accomplished, and how these will correlate to iterations and throughput for this task order.",
    ),
    (
        _B_F1,
        "Additionally, the PWS should provide a detailed process for management of the overall task order "
        "including working with the Product Manager, COR, and End Users to capture user stories, prioritize, and "
        "work-off the product backlog.",
    ),
    (
        _B_F1,
        "The Offeror shall demonstrate in its PWS how the applications, databases, and other products it will "
        "produce will meet all requirements for compliance with Section 508 and AGENCY’S IT Security "
        "Requirements.",
    ),
    # FACTOR 2 – Proposed Quality Assurance Surveillance Plan (QASP)
    (
        _B_F2,
        "Offerors shall propose a Quality Assurance Surveillance Plan (QASP) and Performance Measurement approach "
        "which is commensurate with the agile software development methodology proposed.",
    ),
    (
        _B_F2,
        "This shall include how proposed performance standards will be monitored, evaluated, and reported.",
    ),
    (
        _B_F2,
        "The purpose of the notional QASP is to provide evaluators with an understanding of how measures and "
        "metrics will be applied based on the proposed technical solution.",
    ),
    # Technical Assumptions, Conditions, or Exceptions (instructions)
    (
        _B_TA,
        "Technical submissions shall include all (if any) assumptions, conditions, or exceptions with any of the "
        "requirements or terms and conditions of the Statement of Objectives.",
    ),
    (
        _B_TA,
        "If not noted in this section of your quote, it will be assumed that there are no assumptions for award, "
        "and that the Contractor agrees to comply with all of the terms and conditions as set forth herein.",
    ),
    (
        _B_TA,
        "It is not the responsibility of the Government to seek out and identify assumptions, conditions, or "
        "exceptions buried within the submission.",
    ),
    (
        _B_TA,
        "The Government reserves the right to reject any quote that includes any assumption that impacts or "
        "affects the Government’s requirements.",
    ),
    # SECTION II – PRICE (instructions)
    (_B_PRICE, "The price quote shall include the following:"),
    (_B_PRICE, "Offerors shall submit a price quote, which shall include the following:"),
    (_B_PRICE, "Firm Fixed Price per iteration"),
    (_B_PRICE, "Firm Fixed Price by CLIN"),
    (_B_PRICE, "Supporting documentation"),
    (_B_PRICE, "Assumptions, conditions, and exceptions related to price"),
    (
        _B_PRICE,
        "The Government anticipates that a Firm Fixed Price Task Order will be issued as a result of this "
        "solicitation.",
    ),
    (
        _B_PRICE,
        "Supporting Documentation: Supporting documentation - The price quote shall provide supporting "
        "documentation to support the pricing proposed.",
    ),
    (
        _B_PRICE,
        "This shall demonstrate the correlation between the proposed technical solution in the PWS and the "
        "pricing submitted.",
    ),
    (
        _B_PRICE,
        "The supporting documentation shall also include a Basis of Estimate (BOE) which aligns to how the "
        "pricing methodology is applied within each iteration.",
    ),
    (_B_PRICE, "The BOE should include, but is not limited to, such things as:"),
    (_B_PRICE, "Number of Teams proposed"),
    (_B_PRICE, "Size of Agile Teams"),
    (_B_PRICE, "Labor categories, including BPA Pricing, used to comprise Team"),
    (_B_PRICE, "User Story sizing"),
    (_B_PRICE, "Additional discounts applied"),
    # Price Assumptions, Conditions, or Exceptions (instructions)
    (
        _B_PA,
        "Submit all (if any) assumptions, conditions, or exceptions with any of the terms and conditions of this "
        "statement of objectives.",
    ),
    (
        _B_PA,
        "If not noted in this section of your quote, it will be assumed that the offeror proposes no assumptions "
        "for award, and agrees to comply with all of the terms and conditions as set forth herein.",
    ),
    (
        _B_PA,
        "It is not the responsibility of the Government to seek out and identify assumptions, conditions, or "
        "exceptions buried within the offeror’s quote.",
    ),
    (
        _B_PA,
        "The Government reserves the right to reject any quote that includes any price assumptions, conditions, "
        "or exceptions that impact or affect the Government’s objectives or requirements.",
    ),
    # Section C: Evaluation of Offers > Evaluation and Basis of Award
    (
        _C_EVAL,
        "This task order will be awarded to the SIIS BPA award holder that can provide the services that "
        "represent the best value to the Government.",
    ),
    (
        _C_EVAL,
        "Award will be made to that responsible Offeror whose combination of those factors offering the best "
        "overall value to the Government utilizing a tradeoff process.",
    ),
    (
        _C_EVAL,
        "This will be determined by comparing differences in technical capability with differences in price to "
        "the Government.",
    ),
    (
        _C_EVAL,
        "In making this comparison, the Government is more concerned with obtaining superior technical merit.",
    ),
    (
        _C_EVAL,
        "However, the Government will not make an award at a significantly higher Price to the Government to "
        "achieve slightly superior technical merit.",
    ),
    (
        _C_EVAL,
        "The Government reserves the right to make an award to other than the lowest priced Offeror or to the "
        "Offeror with a higher technical score if the Contracting Officer determines that to do so would result "
        "in the best value to the Government.",
    ),
    (
        _C_EVAL,
        "In addition to price, this assessment will be based on the Technical Factors of Factor 1-Performance "
        "Work Statement, Factor 2 – QASP",
    ),
    (
        "C > FACTOR 1 – Performance Work Statement",
        "The Government will evaluate the feasibility of the proposed PWS to "
        "meet the Objectives of the Agency.",
    ),
    (
        "C > FACTOR 2 – Quality Assurance Surveillance Plan (QASP)",
        "The Government will evaluate the whether the proposed performance standards align with the proposed agile "
        "development methodology, the rationale behind the proposed performance standards and assess whether the total "
        "solution will ensure that the performance standards are met.",
    ),
    (
        "C > Technical Assumptions, Conditions, or Exceptions",
        "All assumptions shall be evaluated as part of the "
        "individual factor or sub factor to which they apply.",
    ),
    (
        "C > Technical Assumptions, Conditions, or Exceptions",
        "The Government reserves the right to reject any quote "
        "that includes any assumption(s) that impact satisfying "
        "the Government’s requirements.",
    ),
    # SECTION II – PRICE (evaluation)
    (
        "C > SECTION II – PRICE",
        "Price will be evaluated to determine whether the firm, fixed price proposed is reasonable.",
    ),
    (
        "C > SECTION II – PRICE",
        "This determination will be based on the review of the technical solution in "
        "comparison to the total proposed price and the backup documentation submitted.",
    ),
    (
        "C > SECTION II – PRICE",
        "Pricing for this effort is required to be of a unit of measure that is equivalent to "
        "the proposed iteration cycle as proposed in the Performance Work Statement.",
    ),
    (
        "C > SECTION II – PRICE",
        "The technical solution for sizing, iteration time, and throughput must correlate to "
        "the proposed pricing.",
    ),
    # Price Assumptions, Conditions, or Exceptions (evaluation part)
    (
        _C_PA,
        "Submit all (if any) assumptions, conditions, or exceptions with any of the terms and conditions of this "
        "statement of work.",
    ),
    (
        _C_PA,
        "If not noted in this section of your quote, it will be assumed that the offeror proposes no assumptions "
        "for award, and agrees to comply with all of the terms and conditions as set forth herein.",
    ),
    (
        _C_PA,
        "It is not the responsibility of the Government to seek out and identify assumptions, conditions, or "
        "exceptions buried within the offeror’s quote.",
    ),
    (
        _C_PA,
        "The Government reserves the right to reject any quote that includes any price assumptions, conditions, "
        "or exceptions that impact or affect the Government’s objectives or requirements.",
    ),
]
