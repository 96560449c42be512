"""Answers to the example's open question, written for this project (none is taken from the paper).

"Is there anything else you would want from a micro-credential?" Each answer is a list of
sentences with the codes coder_a gives them (codebook.yaml, under `open_wishes`), and says whom it
fits: ``work`` (working or studying while working), ``student`` (studying), ``out`` (not working),
``unemployed``, ``inactive``, or anyone (None). The fictional e-mail address, phone number and
first name in three answers show the import masking them.
"""

from __future__ import annotations

Sentence = tuple[str, tuple[str, ...]]

ANSWERS: list[tuple[str | None, list[Sentence]]] = [
    ("work", [("Make the full price clear from the start.", ("open_price",)),
              ("Last year the exam fee came on top of the course fee and nobody had mentioned it.", ("open_price",))]),
    ("work", [("I would like my company to accept them as part of the yearly training plan.", ("open_recognition",)),
              ("Right now only the long programmes count there.", ())]),
    ("work", [("Real cases from the sector, not only theory videos.", ("open_practical",))]),
    ("work", [("Deadlines that allow for a busy week at work.", ("open_flexible",)),
              ("If I miss a module because of a night shift, it should not be lost.", ("open_flexible",))]),
    (None, [("Some kind of map that shows which short courses add up to something bigger.", ("open_guidance",))]),
    (None, [("A discount for people who already studied at the university would help.", ("open_price",))]),
    ("work", [("Feedback from a real teacher on the final task, not just an automatic score.", ("open_contact",))]),
    ("work", [("Honestly, I would pay more if recruiters in my field knew the badge.", ("open_recognition", "open_price"))]),
    (None, [("Short videos I can watch on the train, and exercises I can finish in twenty minutes.", ("open_flexible",))]),
    (None, [("Nothing else, the options I ticked cover it.", ())]),
    ("work", [("That my professional association counts the hours towards our continuing education points.",
               ("open_recognition",))]),
    ("work", [("Group work with people from other companies.", ("open_contact",)),
              ("You learn a lot from how others solve the same problem.", ("open_contact",))]),
    ("student", [("Credits that I can transfer to my degree later on.", ("open_recognition",))]),
    ("student", [("Please publish the calendar well in advance so I can plan it around my exams.", ("open_flexible",))]),
    (None, [("A forum where the tutor actually answers within a day or two.", ("open_contact",))]),
    ("student", [("Lower fees for students, or the option to pay in instalments.", ("open_price",))]),
    ("work", [("More choice in the evening.", ("open_flexible",)),
              ("Most of what I found runs in the morning, when I am at work.", ("open_flexible",))]),
    (None, [("A project I can show in a job interview, something concrete I built myself.", ("open_practical",))]),
    (None, [("Clear information about the workload.", ("open_guidance",)),
            ("One course said three hours a week and it ended up being eight.", ("open_guidance",))]),
    (None, [("Happy to say more in an interview, my number is 612 48 90 37.", ())]),
    ("out", [("Help to find work afterwards, for example a list of companies that know the credential.",
              ("open_recognition",))]),
    ("unemployed", [("Free places for people who are out of work.", ("open_price",)),
                    ("The price is what stops me at the moment.", ("open_price",))]),
    ("out", [("A practical week inside a company would make it worth much more.", ("open_practical",))]),
    ("out", [("Someone to talk to about which course makes sense in my situation.", ("open_guidance",))]),
    ("inactive", [("I am retired, so what matters to me is meeting people with the same interests.", ("open_contact",))]),
    (None, [("Something I can do at my own pace, with no fixed start date.", ("open_flexible",))]),
    (None, [("Recognition in other European countries, because I may move abroad.", ("open_recognition",))]),
    (None, [("Less paperwork to enrol.", ("open_guidance",)),
            ("It took two weeks to get my access code last time; write to me at mc.learner77@example.org if useful.",
             ())]),
    (None, [("No.", ())]),
    (None, [("A paper certificate as well, my family does not quite believe in digital badges.", ("open_recognition",))]),
    (None, [("A trial lesson before paying, to see whether the level is right for me.", ("open_price", "open_guidance"))]),
    ("work", [("The workshop Oriol gave at my office was a good start.", ()),
              ("It showed me that short, hands-on formats work; more of that, please.", ("open_practical",))]),
]
