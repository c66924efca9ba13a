"""Requirements of GSA TTS RFQ TCTOA-18-0015, incident response SaaS (gsa-tts-incident-response-saas-2018/
RFQ.md), annotated by hand from the Markdown, before running the shredder on it: a held-out check
(the shredder was developed on the ADS RFQ). Markdown has no pages, so each is placed by its section
number ("" for the letterhead above the first section).
"""

ANNOTATED = [
    ("", "Reply By: August 31, 2018 4:00 pm EST"),
    (
        "1.0",
        "The vendor shall submit a quotation in accordance with the instructions, terms, and conditions of this RFQ",
    ),
    ("1.0", "The government intends to award the order based on initial quotations"),
    (
        "1.0",
        "any quoter planning to make an exception to a term or condition of the RFQ should consult with the "
        "Contracting Officer (CO) in writing",
    ),
    ("1.0", "52.232-18"),
    ("1.1", "Quotes will only be accepted via the referenced Google Forms below"),
    ("1.1", "The vendor must complete the Technical Response Google Form"),
    ("1.2", "Any questions concerning the RFQ must be submitted using the issue template"),
    (
        "1.3",
        "Every offeror who wishes to be considered for the award shall provide a signed Organizational Conflict "
        "of Interest statement",
    ),
    (
        "1.3",
        "No contract award shall be made until any potential conflict of interest has been neutralized or "
        "mitigated",
    ),
    (
        "1.3",
        "willful misrepresentation of any relevant information by an offeror shall disqualify the offeror",
    ),
    ("3.1", "The vendor must provide a SaaS that meets the following requirements"),
    ("3.1", "The ability to send alerts via email, text message, phone, and mobile app push notifications"),
    ("3.1", "Uptime measure that meets or exceeds 99.99% in the last six months"),
    ("3.1", "Must be on the GSA IT Standards Profile"),
    ("3.1", "The ability to support multi-factor authentication"),
    ("3.1", "Customer data must be stored in FedRAMP Authorized infrastructure"),
    ("3.1", "The ability to integrate the SaaS alerting features via API with external monitoring tools"),
    ("3.1", "Cybersecurity practices such as a vulnerability disclosure program"),
    (
        "3.2",
        "salient characteristics that are firm requirements that an “equal” item must meet to be acceptable",
    ),
    ("3.2", "Support for specifying “on call” schedules for team members"),
    ("3.2", "The ability to configure detailed schedules for team members"),
    ("3.2", "The ability to configure secondary responsibilities team members to receive an escalated alert"),
    ("3.2", "Support for role management with an administrative user"),
    ("3.2", "Support to isolate each team from the other teams"),
    ("3.2", "The ability to isolate the operators on our teams"),
    ("3.3", "The vendor must provide"),
    ("3.3", "Up to 35 licenses on an annual license basis"),
    ("3.3", "24/7/365 technical support via phone, chat, and email"),
    ("3.3", "Unlimited data retention"),
    ("4.0", "Technical Factors will be evaluated in accordance with FAR subpart 12.602"),
    ("4.0", "Price will be evaluated in accordance with FAR subpart 13.106"),
    ("4.0", "The offerors agree to and are bound by all instructions, procedures and rules of this RFQ"),
    (
        "4.0",
        "The final award for this requirement will be based on best-value principles, utilizing the trade-off "
        "process",
    ),
    ("4.0", "the technical evaluation factors combined are significantly more important than price"),
    (
        "4.0",
        "as submissions become more technically equal in their merit, the total evaluated price becomes more "
        "important",
    ),
    ("5.0", "To be considered for award, offerors must successfully pass through each phase"),
    ("5.0", "The Government will evaluate the offeror’s performance or capability acceptability"),
    ("5.0", "will be reviewed separately from the technical evaluation"),
    ("5.0", "The evaluation factors for award are as follows in descending order of importance"),
    ("5.0", "Factor 1: Technical Understanding and Approach"),
    ("5.0", "Factor 2: Price"),
    ("5.0", "technical factors are more important than price"),
    ("5.1", "The offeror shall describe within the Technical Evaluation Google Form, level of knowledge"),
    (
        "5.1",
        "Level of knowledge, technical expertise, and overall understanding of the requirements to manage an "
        "incident management response platform",
    ),
    ("5.1", "Maintaining a reliable, secure incident management response platform with constant updates"),
    (
        "5.1",
        "Stated approach outlining how the offeror will satisfy each of the requirements in Sections 3.1, 3.2, "
        "and 3.3",
    ),
    ("5.2", "Prices shall be submitted via the Price Evaluation Form"),
    ("5.2", "Proposed prices shall be evaluated for reasonableness and consistency with industry standards"),
    ("5.2", "will be accomplished by using the prices offered for the last option period"),
    ("5.2", "Evaluation of options will not obligate the Government to exercise the option(s)"),
    ("7.0", "Offerors must provide a Firm-Fixed-Price (FFP) quote for the services described in Section 3.0"),
    ("7.0", "The quote must outline the annual license pricing per license"),
    ("8.0", "The selected vendor must submit invoices on a monthly basis"),
    (
        "8.0",
        "The selected vendor must submit a final invoice at the end of the period of performance within 60 "
        "calendar days",
    ),
    ("8.0", "No further charges are to be billed following the final invoice submission"),
    ("8.0", "a completed and signed Release of Claims (GSA Form 1142) shall be provided to the CO"),
    ("8.1", "All of this information must be included on each invoice"),
    ("8.2", "The selected vendor is required to submit invoices to GSA Vendor Customer Self Service (VCSS)"),
    ("8.3", "may only bill in arrears for services provided up to the point of the invoice"),
    ("8.3", "Payment will not be made in advance of services"),
    ("8.4", "Non-conforming services will be rejected"),
    ("8.4", "the vendor will immediately notify the TTS COR of the reason for the delay"),
]
