"""Rooms, their participants, the replay log, polls, answers and moderated questions.

Everything a room needs to survive a presenter's reload, a student's reconnect or a server restart
lives here (not in the channel layer, which only fans messages out): the current position and its
sequence number, the last ``conf.REPLAY_EVENTS`` public events, the open poll and its answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Room(models.Model):
    code = models.CharField(max_length=12, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The one user whose connections may drive the room; changes only by an explicit handover.
    driver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120, blank=True)
    position = models.JSONField(default=dict)  # the presenter's place (services.position_clean's shape)
    seq = models.PositiveIntegerField(default=0)  # last public event's number
    created_at = models.DateTimeField(auto_now_add=True)
    active_at = models.DateTimeField()  # last driving action or join: idle rooms expire from here
    closed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code


class Participant(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=40)
    joined_at = models.DateTimeField(auto_now_add=True)
    hand_raised = models.BooleanField(default=False)

    class Meta:
        ordering = ("joined_at", "id")

    def __str__(self) -> str:
        return f"{self.room_id}: {self.name}"


class RoomEvent(models.Model):
    """One public event (position, poll opened or revealed, question shown), replayed on reconnect."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ("room", "seq")
        constraints = [models.UniqueConstraint(fields=("room", "seq"), name="classroom_event_room_seq")]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.kind}"


class PollKind(models.TextChoices):
    DRILL = "drill", "Drill"
    PREDICT = "predict", "Predict"
    STATUS = "status", "Status code"


class Poll(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="polls")
    kind = models.CharField(max_length=10, choices=PollKind.choices)
    source = models.CharField(max_length=200, blank=True)  # drill id, or the visualizer query
    # Texts are kept in every site language ({"en": …, "zh-hans": …}): each screen reads its own.
    question = models.JSONField(default=dict)
    choices = models.JSONField(default=list)  # [{"key": str, "label": {language: text}}]
    answer = models.CharField(max_length=40)  # the right choice's key
    explanation = models.JSONField(default=dict, blank=True)
    reveal_position = models.JSONField(default=dict, blank=True)  # where the room steps on reveal
    revealed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} poll {self.pk}"


class Answer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=40)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("poll", "participant"), name="classroom_one_answer_per_poll")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.choice}"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SHOWN = "shown", "Shown"
    DISMISSED = "dismissed", "Dismissed"


class Question(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="questions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=280)
    status = models.CharField(max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING)
    asked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("asked_at", "id")

    def __str__(self) -> str:
        return self.text[:40]
