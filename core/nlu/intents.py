"""Which of the eleven intents a sentence expresses (ordered, rule-based)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from core.nlu.lazy import Lazy, lazy
from core.nlu.lexicon import WD


class Signals(NamedTuple):
    """Facts about the sentence that intent rules need besides its words."""

    has_when: bool  # a date, time, or repeat phrase
    has_clock: bool  # a clock time or part of day
    has_tokens: bool  # p1, #tag, project
    has_range: bool = False  # a clock-time range ("2-3pm", "from 1 to 5")


def _c(pattern: str) -> Lazy:
    return lazy(pattern)


# A reminder asked for as a thing: "shoot me a reminder", "put a reminder in".
ASK_REMINDER = (r"(?:i(?:\s+(?:want|need|would\s+like)|'d\s+like)\s+(?:to\s+(?:get|have|set)\s+)?|"
                r"(?:set|put|pop|stick|drop|shoot|send|add|create|make|get)\s+(?:me\s+|in\s+)?)"
                r"an?\s+(?:reminder|ping|nudge)\b")
# "book" as a noun: "book club thursday" is a club meeting, not a booking.
BOOK_NOUN = r"book\s+(?:club|group|fair|signing|launch|reading|tour|swap)\b"


SLASH = {"todo": "task.add", "task": "task.add", "add": "task.add", "remind": "reminder.add",
         "reminder": "reminder.add", "brief": "brief", "briefing": "brief", "today": "brief",
         "done": "task.complete", "complete": "task.complete", "tasks": "task.list",
         "list": "task.list", "agenda": "event.list", "calendar": "event.list",
         "event": "event.add", "schedule": "event.add", "meet": "event.add",
         "free": "event.free", "email": "email.send", "mail": "email.send",
         "send": "email.send", "search": "email.search", "inbox": "email.search",
         "ask": "chat", "chat": "chat", "help": "chat"}

TASK_PREFIX = _c(
    r"^(?:add\s+(?:a\s+|new\s+)?(?:task|todo|to-do|to\s+do)|new\s+(?:task|todo)|create\s+(?:a\s+)?"
    r"task|(?:task|todo|to-?do|to\s+do(?=\s*:))(?!\s+(?:done|completed?|finished)\b)|i\s+(?:need|have|got)\s+to|(?:i\s+)?gotta|need\s+to|must|"
    r"(?:don't|dont|do\s+not)\s+(?:let\s+me\s+)?forget(?:\s+(?:to|about))?|remember\s+to|"
    r"make\s+(?:a\s+|new\s+)?(?:task|todo)|i\s+need(?=\s+(?:buy|get|call|pay|send|book|fix|"
    r"pick|return|renew|finish|write|email|order|clean|collect|submit|prepare|visit)\b)|"
    r"make\s+a\s+note\s+to|make\s+sure\s+(?:to|i)|note\s+to\s+self|i\s+should|i\s+must|urgent)\b(?!\s+list)")
CHAT = _c(
    r"^(?:how\s+(?:do|can|should|would|could|to|much|long|far|old)|how's\s+the\s+weather|"
    r"what\s+(?:is|are|was|were)\s+(?:a|an|the\s+(?:best|difference|capital|meaning|"
    r"weather|population|point)|some|good)\b|what's\s+(?:a|an|the\s+(?:best|difference|"
    r"weather|capital|meaning))\b|what(?:'s|\s+is)\s+[\d$€£(]|why|who(?!\s+am\s+i\s+meeting)|where\s+(?:is|are|can)|"
    r"explain|define|translate|tell\s+me\s+(?:a|about|why|how)|what\s+day\s+of|"
    r"what\s+time\s+is\s+it|what\s+does|what\s+do\s+you|which\s+is|is\s+it\s+(?:true|better|"
    r"possible|ok|safe)|should\s+i|can\s+you\s+(?:explain|tell|recommend|suggest|write|"
    r"help|summari[sz]e|give)|recommend|suggest|give\s+me\s+(?:\d+|some|a\s+few|an?\s+idea|ideas|"
    r"tips|examples|a\s+list)|help\s+me\s+(?:prepare|write|think|understand|decide|with|"
    r"figure|plan|draft|come)|draft\s+(?:me\s+)?an?\s+(?:polite|short|quick|nice|friendly|"
    r"formal)?\s*(?:way|reply|response|poem|toast|speech|bio|tweet|post|intro)|"
    r"write\s+(?:me\s+)?an?\s+(?:poem|story|haiku|song|joke|limerick|bio|cover\s+letter|"
    r"speech|essay|tweet|post)|calculate|convert|summari[sz]e|brainstorm|compare|"
    r"thanks|thank\s+you|thx|hi|hello|hey|lol|ok|okay|cool|nice|great|yes|no|sure|"
    r"(?:good\s+)?(?:morning|afternoon|evening|night)(?=\W*$))\b"
    r"|\b(?:weather|joke|poem|recipe|capital\s+of|meaning\s+of|synonym|translate|"
    r"cron\s+expression|(?:better|worse)\s+than|versus|any\s+(?:tips|advice|suggestions)|"
    r"tips\s+(?:for|on))\b")
# Telling, not asking: news, feelings, conditions, reported speech, and changes to existing
# items (cancel, delete, reschedule), which only a model can carry out.
STATEMENT = _c(
    r"^(?:happy\s+\w+|(?:i\s+)?just\s+(?:had|got\s+back|went|saw|met|ate|heard|watched)|if\s|"
    r"(?:today|tomorrow|tonight|yesterday)\s+(?:is|was)\s+(?:my|our|the|a)\b|"
    r"\w+\s+(?:said|says|told\s+me|mentioned)\b|my\s+\w+(?:\s+\w+)?\s+(?:got|was|is|has\s+"
    r"been)\s+(?:delayed|cancell?ed|canceled|moved|postponed|pushed)|i'm\s+(?:so|really|very|"
    r"super|pretty|totally)\s|i\s+(?:might|may)\s|(?:cancel|delete|remove|clear|reschedule)\s+"
    r"(?:my|the|all|that|this)\b|pretty\s+sure\b|my\s+\w+\s+(?:is|are)\s+(?:driving|being|so|"
    r"really|killing|making)\b|sold\s|i\s+(?:have|had|'ve)\s+already\b)"
    r"|\b(?:lol|haha+|lmao|rofl)\W*$|\bi'm\s+(?:exhausted|knackered|shattered|so\s+tired|"
    r"beat)\b")
# A question about how to do something is chat even when it names a reminder or a task.
HOW_TO = _c(r"^(?:(?:how|where)\s+(?:do|can|should|would|could)\s+(?:i|you|we|one)|how\s+to|"
            r"is\s+there\s+a\s+way\s+to|what(?:'s|\s+is)\s+the\s+(?:best|easiest|fastest)\s+way)\b")
BRIEF = _c(
    r"\bbrief\s+me\b|^brief\b|\bbriefing\b|\b(?:morning|daily|evening|weekly|day)\s+(?:summary|"
    r"digest|rundown|overview|recap)\b|\bcatch\s+me\s+up\b|\bwhat(?:'s|\s+does|\s+is|\s+will)?"
    r"\s+(?:my|the|today|tomorrow)(?:'s)?\s+(?:day|week)\s+(?:look|like)|\bhow\s+(?:does|is|'s|will)\s+"
    r"(?:my\s+|the\s+)?(?:day|today|tomorrow|week|rest\s+of)\b.*\blook|\bwhat(?:'s|\s+is)\s+"
    r"(?:the|my)\s+plan\s+(?:for|today)|\bgive\s+me\s+(?:the|a|my)\s+(?:rundown|overview|"
    r"summary|brief|lowdown|recap)|\bwhat\s+did\s+i\s+miss\b|\bsummar(?:y|ize|ise)\s+(?:of\s+)?"
    r"(?:my|the)\s+day|\bwhat's\s+up\s+(?:today|for\s+today)\b|\bwhat\s+should\s+i\s+"
    r"(?:focus|work)\s+on\b|\bwhat\s+(?:do\s+i\s+have|have\s+i\s+got|'s\s+on)\s+(?:on\s+)?"
    r"(?:for\s+)?(?:today|tomorrow)\s*\??$|\bhow(?:'s|\s+is)\s+my\s+(?:day|week)\b|"
    r"\bstart\s+my\s+day\b|\bwhat(?:'s|\s+is)\s+on\s+(?:deck|tap|the\s+docket)\b|"
    r"\bwhat\s+(?:does|will)\s+(?:(?:this|next)\s+)?(?:" + WD + r"|today|"
    r"tomorrow|tonight|(?:the|this|next)\s+weekend|next\s+week)\s+look\s+like\b|\b(?:rundown|overview|summary|lowdown|recap)\s+(?:of|for)\s+"
    r"(?:my\s+|the\s+)?(?:day|today|tomorrow)\b|\bwhat\s+(?:should|do)\s+i\s+(?:need\s+to\s+)?know\s+"
    r"(?:about|for)\s+(?:today|tomorrow|my\s+day)\b|\bdaily\s+brief|\bwhat's\s+ahead\b|\bmorning\s+report\b")
REMIND = _c(
    r"\b(?:remind|ping|nudge|alert|notify|buzz|text|message|wake)\s+me\b|^remind\b|^reminder\b|"
    r"^remember\s+me\s+to\b|"
    r"^\w+\s+reminder\s*[:\-]|"
    r"\bset\s+(?:a\s+|an\s+|up\s+a\s+)?(?:reminder|alarm)\b|\breminder\s+(?:to|for|about|at|"
    r"on|in|tomorrow|tonight)\b|\bremind\s+(?:us|the\s+team|everyone)\b|\bgive\s+me\s+a\s+"
    r"(?:reminder|nudge|ping|shout)\b|\blet\s+me\s+know\s+(?:at|in|when|on|tomorrow)\b|"
    r"\b" + ASK_REMINDER)
COMPLETE = _c(
    r"^(?:(?:task|todo|to-?do)\s+)?(?:done|completed?|finished|did)\s*[:\-–]|^(?:i'm\s+|i\s+am\s+)?(?:all\s+|finally\s+)?done\s+with\b|^(?:i\s+)?(?:just\s+)?"
    r"(?:finished|completed)\b|^i\s+(?:just\s+)?did\b|^(?:mark|set)\b.*\b(?:as\s+)?(?:done|complete|completed|"
    r"finished)\b|^(?:tick|check|cross|strike)\s+off\b|^(?:tick|check|cross)\b.*\boff\b|"
    r"^(?:complete|close|finish)\s+(?:task|the\s+task|todo)\b|^(?:i\s+)?(?:have\s+)?"
    r"(?:finished|completed)\b|\b(?:is|are)\s+(?:done|finished|completed)\s*[.!]*$|"
    r"^\W*done\W*$")
# "add milk to my grocery list", "put eggs on the shopping list": a task on that list.
LIST_ADD = _c(r"^(?:add|put|stick|throw|pop|write)\b.+\b(?:to|on|onto|in)\s+(?:my|the|our)\s+"
              r"(?:[\w-]+\s+)?list\b")
EMAIL_SEARCH = _c(
    r"\bhow\s+many\s+(?:new\s+|unread\s+)?(?:e-?mails|mails|messages)\b|"
    r"\b(?:find|search|show|list|look\s+(?:for|up)|any|get|pull\s+up|open|fetch|check|did\s+"
    r"i\s+get|read|where(?:'s|\s+is))\b.*\b(?:e-?mails?|mails?|messages|inbox|threads?|"
    r"newsletters?)\b|\b(?:did|have)\s+i\s+(?:got|get|receive|received|gotten)\s+"
    r"(?:anything|something|any|an?\s+\w+|\w+)\s+from\b|\bgot\s+anything\s+from\b|\bsearch\s+"
    r"(?:my\s+)?(?:inbox|mail|email)\b|^(?:unread|new)\s+(?:e-?mails|mail|messages)\b|"
    r"\b(?:did|has)\s+\w+\s+(?:e-?mail(?:ed)?|replied|reply|written|write)(?:\s+(?:me|back))?\b"
    r"|\bhas\s+(?!(?:it|this|that|the|he|she|they|you)\b)\w+\s+sent\b"  # has Anna sent the...
    r"|\bin\s+my\s+inbox\b|^search\s+(?:for\s+)?\w|^e-?mails\s+(?:from|about|with)\b")
EMAIL_SEND = _c(
    r"^(?:e-?mail|mail)\b(?!\s+(?:is|was|from))|^(?:send|write|shoot|draft|compose|drop|fire\s+off)\s+(?:an?\s+)?"
    r"(?:quick\s+|short\s+|brief\s+)?(?:e-?mail|mail|note|message|msg|line|reply)\b|^reply\s+to\b"
    r"|^(?:shoot|drop|send|write)\s+\w+\s+an?\s+(?:quick\s+|short\s+)?(?:e-?mail|note|line|"
    r"message)\b|^send\s+\S+@|^(?:start|begin|open)\s+(?:an?\s+)?(?:new\s+)?(?:e-?mail|mail|draft)\b|^(?:send|forward)\b.*\bto\s+\S+@\S+|^(?:write|send)\s+to\b|^respond\s+to\b")
FREE = _c(
    r"\b(?:am|are|is)\s+(?!you\b)(?:i|we|\w+)\s+(?:free|available|busy|booked|open)\b|\b(?:if|whether)\s+"
    r"(?:i'm|i\s+am|we're|we\s+are)\s+(?:free|available|busy)\b|^find\s+(?:me\s+)?"
    r"(?:an?\s+|\d+\s*|half\s+an\s+)(?:free\s+)?(?:minutes?|hours?|hr|min|\d+\s*min)\b|\bwhen\s+"
    r"(?:am\s+i|are\s+we|is\s+\w+)\s+(?:free|available)\b|\bfree\s+(?:time|slots?|windows?)\b|"
    r"\b(?:find|got|have|get)\b.*\b(?:free|time|slots?|openings?|windows?|gaps?|availability)\b|"
    r"\bcan\s+i\s+(?:fit|squeeze|make)\b|\bdo\s+i\s+have\s+(?:time|room|space|a\s+gap|"
    r"anything\s+(?:at|between|around))\b|\bavailability\b|\bany\s+(?:free|open|openings|gaps?|slots|windows)\b|"
    r"\bwhen\s+can\s+i\b|\b(?:first|1st|next)\s+free\b|\bi'm\s+free\b|\bfree\s+(?:on|at|this|next|tomorrow|"
    r"today|tonight|for|between|from|after|before|around|during|in)\b|^free\b|\bavailable\b|\bam\s+i\s+free\b|\bbusy\b")
EVENT_LIST = _c(
    r"\b(?:calendar|agenda|schedule|meetings|events|appointments|calls)\b|\bwhat(?:'s|\s+is)\s+"
    r"(?:happening|going\s+on|coming\s+up|on)\b|\bwhat\s+(?:do\s+i\s+have|have\s+i\s+got)\b(?!\s+to\b)|"
    r"\bwhat\s+do\s+i\s+have\s+(?:on|going|planned|"
    r"scheduled|booked|coming)\b|\bwho\s+am\s+i\s+meeting\b|\bnext\s+(?:meeting|call|event|"
    r"appointment)\b|\bwhen(?:\s+is|'s)\s+my\b|\b(?:when|what\s+time)(?:\s+is|'s)\s+(?:the|our)\b.*"
    r"\b(?:meeting|appointment|call|event|interview|flight|standup|lunch|dinner)\b|\bwhat\s+time\s+is\s+my\b|"
    r"\b(?:anything|something)\s+(?:scheduled|planned|booked|on)\b|\bany\s+(?:meetings?|events?|calls?)\b|"
    r"\bwhat\s+(?:meetings?|events?|calls?)\b|\bdo\s+i\s+have\s+(?:any\s+)?(?:meetings?|"
    r"events?|calls?|appointments?|anything)\b")
LIST_OPENER = _c(
    r"^(?:what|whats|what's|show|list|display|view|see|any|do\s+i|how\s+many|is\s+there|"
    r"are\s+there|when|which|check|open|pull\s+up|tell\s+me|read|give\s+me|get|my|who|"
    r"where|can\s+you\s+show|can\s+i\s+see|let\s+me\s+see|let's\s+see|anything)\b|\?\s*$"
    # "agenda for today", "calendar next week": a bare noun asks for the listing
    r"|^(?:my\s+)?(?:calendar|agenda|schedule|meetings|events|appointments)(?:\s+(?:for|on|this|"
    r"next|today|tomorrow|tonight|please)\b|\s*[?.!]*\s*$)")
TASK_LIST = _c(
    r"\b(?:tasks|to-?dos|todo\s+list|to-?do\s+list|to\s+do\s+list|task\s+list|checklist)\b|"
    r"\b(?:everything|all|anything|items|stuff)\s+(?:tagged|in\s+project|labell?ed)\b|"
    r"\bwhat(?:'s|\s+is)\s+(?:due|overdue|left|pending|outstanding|on\s+my\s+(?:plate|list))\b|"
    r"\bwhat\s+do\s+i\s+(?:still\s+)?(?:need|have)\s+to\s+do\b|\boverdue\b|\bwhat\s+(?:needs|is)\s+"
    r"(?:to\s+be\s+)?(?:done|finished)\b|\bmy\s+(?:open\s+)?(?:tasks|todos)\b")
EVENT_VERB = _c(
    r"^(?:schedule|set\s+up|arrange|organi[sz]e|plan\s+a|calendar|block(?:\s+off|\s+out)?|"
    r"hold|reserve|pencil\s+in|put\b.*\b(?:on|in|into)\s+(?:my|the|our)\s+(?:calendar|"
    r"schedule|diary)|add\b.*\b(?:to|on|in)\s+(?:my|the|our)\s+(?:calendar|schedule|diary)|"
    r"(?:add|create|new|make)\s+(?:an?\s+)?(?:event|meeting|appointment|calendar\s+event)|"
    r"set\s+(?:an?\s+|up\s+an?\s+)?(?:meeting|call|appointment|event)|book\s+(?:a\s+|an\s+)?"
    r"(?:meeting|call|slot|time|room|appointment|1:1|session))\b")
# A request that names the calendar or meetings is a listing, not a general brief.
NAMES_CALENDAR = _c(r"\b(?:calendar|agenda|meetings?|appointments?|events)\b")
QUESTION = _c(r"^(?:what|what's|why|how|who|where|which|when|is|are|does|did|was|were)\b")
BOOK = _c(r"^(?:(?!" + BOOK_NOUN + r")book|reserve|hold)\b")
# Plurals count too: "piano lessons on tuesdays".
APPOINTMENT = _c(
    r"\b(?:" + BOOK_NOUN + r"|meeting|appointment|lunch|dinner|breakfast|brunch|coffee|drinks|"
    r"call\s+with|"
    r"flight|class|haircut|dentist|doctor|interview|standup|stand-up|sync|1:1|one-on-one|1-on-1|"
    r"session|workshop|webinar|conference|party|fitting|ferry|train|bbq|barbecue|gig|"
    r"showing(?!\s+me)|defen[cs]e|viva|exhibition|festival|parade|ceremony|graduation|"
    r"funeral|reunion|egg\s+hunt|date\s+night|movie\s+night|game\s+night|"
    r"recital|concert|rehearsal|practice|check-?up|demo|presentation|offsite|wedding|yoga|"
    r"gym|training|lesson|therapy|massage|happy\s+hour|catch-?up|check-?in|huddle|retro|"
    r"kickoff|kick-off|office\s+hours|tee\s+time|match|game|visit|viewing|consultation|"
    r"physio|vet|checkup|tutoring|meetup|hangout|date|screening|seminar|lecture|"
    r"onboarding|review\s+meeting|team\s+meeting|all-hands|all\s+hands|town\s+hall)s?\b")
CHAT_TAIL = _c(r"\?\s*$|^(?:what|why|how|who|where|when|which|is|are|can|could|would|"
               r"should|do|does|did|will|was|were|tell|explain|describe)\b")
TASK_VERB = _c(
    r"^(?:call|buy|pay|send|book|write|finish|fix|clean|pick|return|renew|submit|review|"
    r"prepare|prep|order|check|update|water|file|follow|text|ask|get|take|bring|cancel|print|"
    r"sign|read|wash|walk|feed|mow|refill|reply|research|plan|organi[sz]e|draft|email|mail|"
    r"schedule|finalize|finalise|complete|start|set|make|do|go|visit|see|contact|invite|"
    r"confirm|register|apply|grab|drop|mail|post|ship|pack|unpack|move|change|replace|repair|"
    r"install|upgrade|backup|back|sort|tidy|vacuum|cook|bake|collect|deliver|deposit|transfer|"
    r"withdraw|donate|sell|list|publish|share|upload|download|print|scan|fax|charge|hire|"
    r"interview|train|practice|study|learn|memorize|test|try|ping|chase|nudge|thank|"
    r"congratulate|wish|celebrate|buy|shop|return|exchange|renew|cancel|unsubscribe|"
    r"subscribe|pay|invoice|bill|budget|reconcile|prepare|outline|sketch|design|code|"
    r"refactor|deploy|merge|push|ship|announce|notify|tell|remind|message|dm|slack|whatsapp|"
    r"phone|ring|arrange|sort|look|find|figure|think|decide|choose|pick|compare|check|"
    r"verify|double-check|proofread|edit|rewrite|translate|summarize|summarise|read|watch|"
    r"listen|attend|join|meet|host|feed|walk|groom|bathe|wash|iron|fold|hang|laundry|"
    r"dishes|groceries|shopping|taxes|homework)\b")


def classify(text: str, signals: Signals) -> tuple[str, float]:
    """(intent, confidence) for normalised, prefix-stripped text."""
    if TASK_PREFIX.search(text) and not REMIND.search(text):
        return _prefixed(text)
    for test, intent, confidence in _ORDERED:
        if test(text, signals):
            return intent, confidence
    return _fallback(text, signals)


def _prefixed(text: str) -> tuple[str, float]:
    # "add task: ..." wins over calendar words, except an explicit calendar request.
    if EVENT_VERB.search(text) and not text.startswith(("add task", "task", "todo")):
        return "event.add", 0.8
    return "task.add", 0.95


def _is_event_add(text: str, s: Signals) -> bool:
    if EVENT_VERB.search(text):
        return True
    if BOOK.search(text) and s.has_when:
        return True
    noun = APPOINTMENT.search(text)
    # "tomorrow morning: call the vet": the request starts after a leading "when:".
    head = _AFTER_WHEN_PREFIX.sub("", text)
    verb_led = bool(TASK_VERB.search(head)) and not (noun and noun.start() == 0)
    if noun and _ABOUT_THE_EVENT.match(text, noun.end()):
        return False  # "party prep", "wedding invitations": work for an event, not the event
    # "what's the date of easter in may" names a noun in a question: not a booking
    if noun and (s.has_clock or s.has_when) and not verb_led and not QUESTION.search(text):
        return True
    if s.has_range and not CHAT_TAIL.search(text):
        return True  # "kids soccer saturday 9 to 11": something that takes a stretch of time
    return bool(re.search(r"\bwith\s+\w", text) and s.has_clock and not verb_led
                and not CHAT_TAIL.search(text))


_AFTER_WHEN_PREFIX = _c(r"^[^:]{1,40}:\s*")
_ABOUT_THE_EVENT = _c(r"s?\s+(?:prep|preparation|planning|supplies|decorations|invites|"
                      r"invitations|shopping|list|ideas|playlist|menu|outfit|gifts?|rsvps?)\b")


def _is_list(text: str, s: Signals) -> bool:
    return bool(EVENT_LIST.search(text) and LIST_OPENER.search(text))


def _is_task_list(text: str, s: Signals) -> bool:
    return bool(TASK_LIST.search(text) and (LIST_OPENER.search(text) or len(text.split()) <= 4
                                             or re.search(r"\b(?:show|list|see)\b", text)))


Test = Callable[[str, Signals], bool]
_ORDERED: list[tuple[Test, str, float]] = [
    (lambda t, s: bool(BRIEF.search(t) and not NAMES_CALENDAR.search(t)), "brief", 0.9),
    (lambda t, s: bool(BRIEF.search(t)), "event.list", 0.85),
    (lambda t, s: bool(LIST_ADD.search(t)), "task.add", 0.9),
    (lambda t, s: bool(HOW_TO.search(t)
                       or ((STATEMENT.search(t) or CHAT.search(t)) and not REMIND.search(t))),
     "chat", 0.8),
    (lambda t, s: bool(REMIND.search(t)), "reminder.add", 0.95),
    (lambda t, s: bool(COMPLETE.search(t)), "task.complete", 0.9),
    (lambda t, s: bool(EMAIL_SEARCH.search(t)), "email.search", 0.9),
    (lambda t, s: bool(EMAIL_SEND.search(t)), "email.send", 0.9),
    (lambda t, s: bool(FREE.search(t)), "event.free", 0.85),
    (_is_task_list, "task.list", 0.85),
    (_is_list, "event.list", 0.85),
    (_is_event_add, "event.add", 0.85),
]


def _fallback(text: str, s: Signals) -> tuple[str, float]:
    if CHAT_TAIL.search(text):
        return "chat", 0.6
    if s.has_when or s.has_tokens:
        return "task.add", 0.75
    if TASK_VERB.search(text) and len(text.split()) >= 2:
        return "task.add", 0.65
    return "chat", 0.5
