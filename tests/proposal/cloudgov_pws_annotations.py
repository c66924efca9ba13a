"""Requirements of the cloud.gov Professional Support Services Performance Work Statement (GSA TTS, RFQ1349024,
Amendment 0001 of February 8, 2019): gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf, 7 pages.

Annotated by hand from the document text, BEFORE the shredder was run on this file (held-out evaluation data
for issue 10, item 7: no test annotated or tuned the shredder on this PWS; tests/test_retrieval.py and the bot
tests only ingest it for retrieval).

Pages: the text was read from the `Attachment-A-PWS.pdf.txt` twin, whose pages are separated by form feeds
(\\f); page N is the N-th form-feed-separated part, and each part ends with the document's own footer "N of 7".
The split was confirmed with pypdf (7 pages; "Task 1".."Task 4" on page 4, "Task 5".."Task 10" on page 5,
"4.0 Technical Direction" on page 6, "6.0 Deliverables" on page 7). No annotated sentence runs over a page break.

What is annotated: every sentence that binds or may bind the contractor (shall, must, will, is expected to,
may be required / asked / called upon to), every sentence about what the Government requires, may require
or how it directs and reviews the work, the objectives list, scope and staffing statements, and the
deliverables. Not annotated: background and statistics (pages 1-2), headings ("Task 1: ..."), "Examples: ..."
lines, and lead-ins that bind no one ("The primary objectives are:").

Format: `ANNOTATED = [(page, "whole sentence"), ...]`. Each entry is one WHOLE sentence verbatim from the text,
or a whole list item (bullet text without its marker; a bullet of several sentences is given sentence by
sentence). Normalised only: line wraps and runs of whitespace become one space, and the zero-width spaces
(U+200B) of the text layer are removed. Curly quotes and apostrophes are kept as printed. The PWS has no tables.
Scoring (whole-sentence recall): a requirement is found when one matrix row on that page contains the whole
sentence (compared flattened to [a-z0-9]).
"""

ANNOTATED = [
    # 2.0 Objectives
    (
        2,
        "TTS intends to procure professional services in order for the contractor to perform operations and "
        "maintenance for the cloud.gov, specifically the Cloud Foundry-based platform and supporting services and "
        "web applications.",
    ),
    # 2.0 Objectives: the primary objectives (bullets)
    (
        3,
        "Operate, maintain, monitor, and update a Cloud Foundry deployment and the supporting services underlying "
        "cloud.gov.",
    ),
    (
        3,
        "Provide consultation for the cloud.gov team to support adoption of Cloud Foundry best practices and "
        "solutions to provide new capabilities.",
    ),
    (3, "Automate operation processes and increase the resilience of the system."),
    (
        3,
        "Maintain Secure Configuration Management practices and assist the security team in developing threat "
        "assessment and incident response processes at the organizational and system level.",
    ),
    (3, "Provide similar engineering support services to other offices within the TTS organization."),
    # 3.0 Project Scope
    (
        3,
        "cloud.gov is seeking to contract a team of dedicated, skilled and knowledgeable resources with a capacity "
        "to commit at least 6,000 annual labor hours (equivalent of three people full-time which may be subject to "
        "increase at the time of award) to assist with the operations, maintenance, and improvement of the "
        "cloud.gov platform.",
    ),
    (3, "The contractor is expected to follow the cloud.gov Configuration Management plan."),
    (
        3,
        "In summary: The work to be performed will combine system administration and code development, using "
        "DevSecOps practices and Infrastructure as Code principles: Team members commit all changes to source "
        "control (git) and test and deploy them using continuous integration and deployment tools (Concourse) and "
        "orchestration tools (BOSH).",
    ),
    (
        3,
        "Team members manage IaaS environments and configuration using infrastructure as code techniques (using "
        "Terraform).",
    ),
    (
        3,
        "We work in a collaborative, remote-first environment, including chat and video conferencing collaboration "
        "on changes before, during, and after development, with frequent use of pairing between government "
        "employees and contractors during the core hours, 12:00pm - 6:00pm EST.",
    ),
    # 3.1 Core Tasks
    (3, "The following core tasks are required to support cloud.gov’s operation and maintenance:"),
    # Task 1: Meet vulnerability management objectives
    (
        4,
        "cloud.gov components must be kept up to date as new versions and fixes appear in order to maintain our "
        "security posture and FedRAMP Authorization.",
    ),
    (4, "The contractor shall keep the system up to date on an ongoing basis."),
    (
        4,
        "The contractor will also be expected to scan cloud.gov platform components monthly using OWASP ZAP and "
        "Nessus (provided by cloud.gov).",
    ),
    (
        4,
        "The contractor will be expected to assist with evaluating findings, identifying when findings are false "
        "positives or operational requirements, and resolving findings.",
    ),
    (4, "Any findings must be addressed within a 30-, 60-, or 180-day period depending on severity."),
    (
        4,
        "The contractor may offer assistance in reducing the labor required for this process, such as using "
        "automation, scripting, and increased monitoring.",
    ),
    # Task 2: Assist with troubleshooting unexpected behavior
    (
        4,
        "The contractor shall assist in troubleshooting problems in the platform’s operations reported by the "
        "cloud.gov team or cloud.gov’s customers during normal business hours.",
    ),
    (
        4,
        "The contractor should be able to help assess whether unexpected system behavior is explainable as a "
        "routine operational incident or a potential indicator of compromise.",
    ),
    (4, "In the latter case, the contractor will be expected to help gather evidence."),
    # Task 3: Increase automation and maintainability
    (
        4,
        "The contractor shall take an active role to reduce the manual overhead necessary for operating the "
        "platform, rotating secrets, performing updates, etc.",
    ),
    # Task 4: Improve resilience and recoverability
    (
        4,
        "The contractor shall assist in improving the resilience of the cloud.gov platform and increase likelihood "
        "of complete, full recovery in case of a major contingency event.",
    ),
    # Task 5: Assist with documentation of significant changes
    (
        5,
        "As a FedRAMP-authorized provider, cloud.gov must submit Significant Changes (major changes to security or "
        "risk or architecture) to assessment by a FedRAMP Third Party Assessment Organization (3PAO).",
    ),
    (
        5,
        "The contractor will be expected to describe the technical changes to cloud.gov team members in enough "
        "detail that they can create documents for compliance review processes.",
    ),
    (
        5,
        "The contractor will also be expected to help produce artifacts as evidence that the system works as "
        "described during compliance reviews.",
    ),
    # Task 6: Other TTS-Wide organizational support
    (
        5,
        "The Government may require the expansion of engineering support to other offices within, the Technology "
        "Transformation Services (TTS).",
    ),
    (5, "This task may be executed and fully or incrementally funded as required."),
    # 3.2 Additional Tasks
    (
        5,
        "The following specific tasks may be required to support expansion of cloud.gov’s capabilities as need "
        "arises.",
    ),
    # Task 7: Assist and advise with new capabilities
    (
        5,
        "The contractor shall assist and advise the cloud.gov team on building and deploying new capabilities based "
        "on projects in the wider Cloud Foundry ecosystem.",
    ),
    # Task 8: Expand services to other IaaS providers
    (
        5,
        "The contractor may be called upon to assist with expanding cloud.gov services to include additional and "
        "higher-security IaaS deployments through judicious application of alternative CPIs, isolation segments, or "
        "OSBAPI brokers.",
    ),
    # Task 9: Expand support for Windows apps
    (
        5,
        "The contractor may be required to assist with expanding cloud.gov services to include support for Windows "
        "cells and .NET Framework apps.",
    ),
    # Task 10: Business operations support
    (
        5,
        "The contractor may be called for support with business operations including account management, financial "
        "modeling, and running the government’s billing cycle.",
    ),
    # 4.0 Technical Direction
    (
        6,
        "As necessary, technical direction or clarification concerning the details of specific tasks set above will "
        "be given.",
    ),
    (
        6,
        "The contractor may be asked to plan and perform other procedures that arise from the results of the tasks "
        "included within the scope of this PWS.",
    ),
    (
        6,
        "This technical direction will be communicated to the contractor by the Contracting Officer’s "
        "Representative (COR) and/or the Alternate COR.",
    ),
    # 4.0: the responsibilities and limitations of the COR, items (1) and (2), sentence by sentence
    (
        6,
        "The COR is responsible for the technical aspects of the project and serves as technical liaison with the "
        "contractor.",
    ),
    (
        6,
        "The COR is also responsible for the final inspection and acceptance of all reports, and such other "
        "responsibilities as may be specified in the contract.",
    ),
    (
        6,
        "The COR is not authorized to make any commitments or otherwise obligate the Government or authorize any "
        "changes, which affect the Contract price, terms or conditions.",
    ),
    (
        6,
        "Any contractor request for changes shall be referred to the Contracting Officer directly or through the "
        "COR.",
    ),
    (
        6,
        "No such changes shall be made without the expressed prior authorization of the Contracting Officer.",
    ),
    (
        6,
        "The COR may designate alternate COR(s) to act for the COR by naming such alternate(s) in writing and "
        "transmitting a copy of such designation through the Contracting Officer to the contractor.",
    ),
    # 5.0 Program Assumptions and Constraints
    (
        6,
        "The contractor will be responsible for all training for work to be performed under this requirement.",
    ),
    (
        6,
        "The contractor shall maintain any necessary competencies, certifications, licensure, and apply industry "
        "standards in support of their efforts.",
    ),
    (
        6,
        "The contractor must ensure that personnel working on this requirement stay current on all requirements and "
        "processes both in the federal government and in industry standards.",
    ),
    # 6.0 Deliverables
    (7, "Please refer to the QASP for detailed information."),
    (7, "The contractor will document all dependencies (all licenses and dependencies)."),
    (7, "The dependencies will be listed and all major functions documented."),
    (7, "System diagram is provided as appropriate to the release."),
    (7, "The contractor will also assist with the documentation of significant changes."),
    (
        7,
        "They will contribute to documents for compliance review processes; they will also assist with producing "
        "evidence that the system works as described during compliance reviews.",
    ),
    (
        7,
        "The contractor will provide a monthly report containing the level of effort expended in support of the "
        "various task elements during the previous month, the amount to date, and the annual amount remaining.",
    ),
    (
        7,
        "The contractor will provide a monthly report projecting the distribution of hours remaining during the "
        "contract period by task element with a description of the objectives and milestones reached to date as "
        "well as those planned to be obtained within the contract period.",
    ),
    (
        7,
        "The Government will review this report to ensure value is consistently added by the team and ensure "
        "resources and priority remains in alignment with Government strategic objectives.",
    ),
]
