"""Demo quality data for `seed_demo`: callbacks (answered, failed, low score), a survey
link, a general and a major complaint (with its task force), a batch-failure alert from
five printer jams, a repeat repair and a QA sample, so that every quality page shows
something."""
from datetime import timedelta

from django.utils import timezone

from tickets import choices, services as tickets

from . import services
from .choices import CallbackResult, ComplaintCategory, Severity
from .models import Complaint


def _done(ticket, engineer, dispatcher, at):
    tickets.assign_ticket(ticket, engineer, by=dispatcher, now=at)
    tickets.arrive(ticket, by=engineer, now=at + timedelta(minutes=20))
    return tickets.complete(ticket, by=engineer, now=at + timedelta(hours=1), outcome=choices.Outcome.REPAIRED,
                            work_done="Cleaned the feed rollers and replaced the pick-up pad.",
                            customer_confirmation="Signed on site")


def seed_quality(users, models, faults, *, now=None):
    if Complaint.objects.exists():
        return
    now = now or timezone.now()
    agent, dispatcher, engineer = users["agent"], users["dispatcher"], users["onsite"]
    people = [("Guo Hua", "135 0000 1001"), ("Tian Ye", "135 0000 1002"), ("Deng Chao", "135 0000 1003")]
    units = []
    for i, (name, phone) in enumerate(people):
        customer = tickets.create_customer(by=agent, name=name, phones=[phone], area=choices.Area.URBAN,
                                           email=f"q{i}@example.com", address=f"{i + 10} Quality Street")
        units.append(tickets.create_unit(by=agent, customer=customer, model=models["LP-200"],
                                         serial_number=f"QDEMO{i:04d}", proof_verified=True,
                                         purchase_date=timezone.localdate(now) - timedelta(days=60)))
    jams = []
    for i in range(5):  # five LP-200 paper jams in five days: one batch-failure alert
        at = now - timedelta(days=5 - i, hours=2)
        unit = units[i % len(units)]
        t = tickets.create_ticket(by=agent, now=at, customer=unit.customer, unit=unit,
                                  channel=choices.Channel.PHONE, category=choices.Category.REPAIR,
                                  service_type=choices.ServiceType.ONSITE, fault_code=faults["P01"],
                                  fault_description="Paper jams at the pick-up roller.",
                                  duplicate_reason="Demo data: several jobs on one demo unit")
        jams.append(_done(t, engineer, dispatcher, at + timedelta(minutes=30)))
    scores = [(5, 5, 5), (4, 5, 4), (2, 3, 4), None, None]
    for t, score in zip(jams, scores):
        at = t.completed_at + timedelta(hours=3)
        if score:
            services.record_callback(t, by=dispatcher, now=at, result=CallbackResult.ANSWERED,
                                     attitude=score[0], speed=score[1], repair_quality=score[2],
                                     comment="Engineer was late and did not explain." if score[0] <= 2 else "")
    services.record_callback(jams[3], by=dispatcher, now=jams[3].completed_at + timedelta(hours=3),
                             result=CallbackResult.NO_ANSWER)
    services.issue_survey_link(jams[4], by=agent, now=jams[4].completed_at + timedelta(hours=4), language="zh-hans")
    tickets.reopen(jams[0], by=agent, now=now - timedelta(hours=6), reason="Jams again after two days.")
    services.create_complaint(by=agent, now=now - timedelta(hours=3), customer=jams[2].customer, ticket=jams[2],
                              channel=choices.Channel.PHONE, severity=Severity.GENERAL,
                              category=ComplaintCategory.ATTITUDE,
                              description="The engineer came late and did not explain the repair.",
                              owner=users["quality"])
    services.create_complaint(by=agent, now=now - timedelta(hours=1), customer=jams[1].customer, ticket=jams[1],
                              channel=choices.Channel.PHONE, severity=Severity.MAJOR,
                              category=ComplaintCategory.REPAIR_QUALITY,
                              description="Third jam this week; customer threatens to go to the press.",
                              owner=users["quality"])
    services.draw_sample(timezone.localdate(now), now=now, size=2, seed=1)
