"""Every clinical default and threshold in the rules, with the source it comes from.

This is the one home of that list: docs/clinical.md is written from it
(`.venv/bin/python -m tools.clinical_doc`), the in-app "Why we do it this way" page shows its
plain-language column, and tests/rules/test_clinical_sources.py fails when a threshold in a
clinical rule module has no entry here, when an entry's value no longer matches the code, or
when docs/clinical.md is out of date.

An entry names the code it describes (`module.NAME`, or `module.Class.field` for a rule's
default) and reads the value from the code itself, so the document can never state a number
the app does not use. Where no study sets the number, the source says so: it is the team's
default, and the literature it leans on is named beside it. Constants of these modules that
are not clinical (input lengths, drawing sizes) are listed in TECHNICAL with the reason.
"""
from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Source:
    key: str
    citation: str  # author(s), year, title, where


@dataclass(frozen=True)
class Default:
    name: str  # "flags.NO_PRACTICE_DAYS" or "mastery.MasteryRule.min_practices"
    meaning: str  # what the code does with it, for the next engineer and the therapist
    plain: str  # what a family reads on the "why" page; {value} is the number in the code
    sources: tuple[str, ...]  # keys of SOURCES

    @property
    def anchor(self) -> str:
        return self.name.replace(".", "-").replace("_", "-").lower()

    @property
    def value(self):
        return value_of(self.name)

    @property
    def shown(self) -> str:
        """The value as the document states it (the faces as label and rating)."""
        value = self.value
        if isinstance(value, tuple) and all(hasattr(v, "fear") for v in value):
            return ", ".join(f"{v.label} = {v.fear}" for v in value)
        return repr(value)

    @property
    def plain_text(self) -> str:
        """The family's words, with the number the code uses where they name one."""
        return self.plain.format(value=self.value)


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("product", "Brave Steps team (2026). Product specification: the team's default "
                      "where no study fixes the number."),
    Source("kendall2006", "Kendall, P. C., & Hedtke, K. A. (2006). Cognitive-Behavioral Therapy "
                          "for Anxious Children: Therapist Manual (3rd ed.). Workbook Publishing."),
    Source("anxietycanada", "Anxiety Canada (n.d.). Facing Your Fears: Exposure (parent "
                            "guidance on fear ladders). Anxiety Canada."),
    Source("wolpe1969", "Wolpe, J. (1969). The Practice of Behavior Therapy. Pergamon Press "
                        "(the Subjective Units of Distress scale)."),
    Source("foa2007", "Foa, E. B., Hembree, E. A., & Rothbaum, B. O. (2007). Prolonged Exposure "
                      "Therapy for PTSD: Therapist Guide. Oxford University Press."),
    Source("craske2014", "Craske, M. G., Treanor, M., Conway, C. C., Zbozinek, T., & Vervliet, "
                         "B. (2014). Maximizing exposure therapy: An inhibitory learning "
                         "approach. Behaviour Research and Therapy, 58, 10-23."),
    Source("peris2017", "Peris, T. S., Caporino, N. E., O'Rourke, S., et al. (2017). "
                        "Therapist-reported features of exposure tasks that predict differential "
                        "treatment outcomes for youth with anxiety. Journal of the American "
                        "Academy of Child & Adolescent Psychiatry, 56(12), 1043-1052."),
    Source("hicks2001", "Hicks, C. L., von Baeyer, C. L., Spafford, P. A., van Korlaar, I., & "
                        "Goodenough, B. (2001). The Faces Pain Scale-Revised: Toward a common "
                        "metric in pediatric pain measurement. Pain, 93(2), 173-183."),
    Source("lebowitz2013", "Lebowitz, E. R., Woolston, J., Bar-Haim, Y., et al. (2013). Family "
                           "accommodation in pediatric anxiety disorders. Depression and "
                           "Anxiety, 30(1), 47-54 (the Family Accommodation Scale-Anxiety)."),
    Source("lebowitz2020", "Lebowitz, E. R., Marin, C., Martino, A., Shimshoni, Y., & "
                           "Silverman, W. K. (2020). Parent-based treatment as efficacious as "
                           "cognitive-behavioral therapy for childhood anxiety: A randomized "
                           "noninferiority study of Supportive Parenting for Anxious Childhood "
                           "Emotions. Journal of the American Academy of Child & Adolescent "
                           "Psychiatry, 59(3), 362-372."),
    Source("lebowitz_omer2013", "Lebowitz, E. R., & Omer, H. (2013). Treating Childhood and "
                                "Adolescent Anxiety: A Guide for Caregivers. Wiley."),
    Source("kazdin2011", "Kazdin, A. E. (2011). Single-Case Research Designs: Methods for "
                         "Clinical and Applied Settings (2nd ed.). Oxford University Press."),
    Source("lambert2010", "Lambert, M. J. (2010). Prevention of Treatment Failure: The Use of "
                          "Measuring, Monitoring, and Feedback in Clinical Practice. American "
                          "Psychological Association."),
    Source("nice2019", "National Institute for Health and Care Excellence (2019). Depression "
                       "in children and young people: identification and management (NICE "
                       "guideline NG134). NICE."),
    # Boosters after the top of a ladder.
    Source("bouton2002", "Bouton, M. E. (2002). Context, ambiguity, and unlearning: Sources of "
                         "relapse after behavioral extinction. Biological Psychiatry, 52(10), "
                         "976-986."),
    # Expectancy (issue 16 item 1).
    Source("craske2008", "Craske, M. G., Kircanski, K., Zelikowsky, M., Mystkowski, J., "
                         "Chowdhury, N., & Baker, A. (2008). Optimizing inhibitory learning "
                         "during exposure therapy. Behaviour Research and Therapy, 46(1), 5-27."),
    # Both voices (issue 16 item 4): the child and the caregiver rate one try.
    Source("delosreyes_kazdin2005", "De Los Reyes, A., & Kazdin, A. E. (2005). Informant "
                                    "discrepancies in the assessment of childhood "
                                    "psychopathology: A critical review, theoretical framework, "
                                    "and recommendations for further study. Psychological "
                                    "Bulletin, 131(4), 483-509."),
    Source("achenbach1987", "Achenbach, T. M., McConaughy, S. H., & Howell, C. T. (1987). "
                            "Child/adolescent behavioral and emotional problems: Implications "
                            "of cross-informant correlations for situational specificity. "
                            "Psychological Bulletin, 101(2), 213-232."),
)}

DEFAULTS: tuple[Default, ...] = (
    # Mastery: when a step is "no big deal" any more.
    Default("mastery.MasteryRule.min_practices",
            "Qualifying practices a step needs before it counts as mastered.",
            "A step is ready to leave behind after {value} good tries, not one: one good day "
            "can be luck.",
            ("product", "kendall2006")),
    Default("mastery.MasteryRule.min_days",
            "Different local days those practices must fall on.",
            "The good tries have to happen on {value} different days, so the brave feeling "
            "is not tied to one day.",
            ("product", "craske2014")),
    Default("mastery.MasteryRule.max_peak",
            "A practice qualifies when its peak fear is at most this (0-10).",
            "A try counts towards moving on when the fear stayed at {value} or below, or fell "
            "by half before the end.",
            ("product", "wolpe1969", "foa2007")),
    Default("mastery.MasteryRule.count_halving",
            "A practice also qualifies when fear fell by half from its peak to the end.",
            "Fear that rises and then falls by half is learning too, even from a high peak.",
            ("foa2007",)),
    # Ladders.
    Default("ladder_rules.BIG_JUMP",
            "Neighbouring steps further apart in predicted fear than this are pointed out.",
            "Steps close together in fear feel like rungs; a jump of more than {value} feels "
            "like a cliff, so the app suggests a step in between.",
            ("anxietycanada", "kendall2006")),
    Default("ladder_rules.FEAR_MIN",
            "The lowest fear rating (the bottom of the 0-10 scale).",
            "Fear is rated from 0 (not scared at all) to 10 (the most scared ever).",
            ("wolpe1969",)),
    Default("ladder_rules.FEAR_MAX",
            "The highest fear rating (the top of the 0-10 scale).",
            "Fear is rated from 0 (not scared at all) to 10 (the most scared ever).",
            ("wolpe1969",)),
    Default("child_steps.MAX_SHOWN",
            "Steps the child view shows at once: the current one and the next few.",
            "Your child sees only the next {value} steps: a whole ladder at once can "
            "frighten.",
            ("product",)),
    # Faces.
    Default("faces.FACES",
            "Five faces spread over the same 0-10 scale as the caregiver's numbers.",
            "The faces your child taps mean the same as the numbers you choose: the most "
            "scared face is a 10.",
            ("hicks2001", "product")),
    # Stars.
    Default("streaks.BRAVER_FROM",
            "A try faced at this fear or higher earns a second star.",
            "Stars reward courage: a try at high fear earns more stars than a calm one.",
            ("peris2017", "product")),
    Default("streaks.BRAVEST_FROM",
            "A try faced at this fear or higher earns a third star.",
            "Stars reward courage: a try at high fear earns more stars than a calm one.",
            ("peris2017", "product")),
    # The avoidance trap.
    Default("avoidance_trap.CALM_MAX",
            "A day is calm when the check-in's child distress is at most this (0-10).",
            "A calm day is one you rated {value} or less. A calm day when something was avoided is "
            "calm bought by avoidance, not calm earned by facing.",
            ("lebowitz2013", "product")),
    # Flags.
    Default("flags.NO_PRACTICE_DAYS",
            "Days without a practice before the no-practice flag is raised.",
            "After {value} days without practice we say so gently: little and often works "
            "best.",
            ("product", "kendall2006")),
    Default("flags.STUCK_EASY_FEAR",
            "A current step at or below this predicted fear may be too easy to stay on.",
            "Staying on an easy step for weeks keeps things comfortable but stops progress.",
            ("product", "peris2017")),
    Default("flags.STUCK_EASY_DAYS",
            "Days on such an easy step before the flag is raised.",
            "{value} days on an easy step is a sign to try the next one.",
            ("product", "peris2017")),
    Default("flags.FEAR_WINDOW",
            "Practices of a step looked at for the fear-not-falling flag and the fear trends.",
            "We look at the last {value} tries of a step to see whether fear is coming down.",
            ("product",)),
    # Attention.
    Default("attention.WEEK",
            "Days in the short adherence window (practice days against the weekly target).",
            "Your therapist sees how many days you practised in the last week and the last "
            "four weeks.",
            ("product",)),
    # The parent-led plan (SPACE).
    Default("accommodation_plan.ONE_TARGET_AT_A_TIME",
            "A child has at most one open plan: one accommodation is changed at a time.",
            "You change one thing you do at a time, so everyone can be consistent and you can "
            "see what the change does.",
            ("lebowitz_omer2013", "lebowitz2020")),
    Default("accommodation_plan.HOLD_DAYS_NEEDED",
            "Days the family stuck to the plan, within the window below, for it to have held.",
            "When you have stuck to the plan on {value} days of the last "
            "ten, the new way has become routine and you can choose the next thing to change.",
            ("product", "lebowitz_omer2013")),
    Default("accommodation_plan.HOLD_WINDOW_DAYS",
            "The window of days the hold is counted in.",
            "We look at the last {value} days to see whether the plan has held.",
            ("product", "lebowitz_omer2013")),
    Default("accommodation_plan.EARLY_DAYS",
            "Days after the start in which a rise in the child's distress is called expected.",
            "In the first {value} days without the accommodation many children get more upset "
            "for a while; it usually settles, and it does not mean the plan is failing.",
            ("lebowitz_omer2013", "lebowitz2020")),
    Default("accommodation_plan.SUGGEST_WINDOW_DAYS",
            "Days of check-ins read to suggest which accommodation to work on.",
            "We suggest what to work on from your check-ins of the last {value} days.",
            ("product", "lebowitz2013")),
    # Sessions with children who resist.
    Default("what_clicks.MIN_SESSIONS",
            "Sessions with an engagement level before the ranking of approaches speaks.",
            "Your therapist looks for what helps your child join in only after {value} "
            "sessions: one session says little.",
            ("kazdin2011", "lambert2010", "product")),
    Default("what_clicks.MIN_TRIES",
            "Sessions an approach must have been tried in before it is ranked.",
            "An approach is ranked only once it was tried in {value} sessions.",
            ("kazdin2011", "product")),
    Default("calm_first.MAX_CARDS",
            "Calming strategies the child's calm screen shows at once.",
            "Your child sees at most {value} ways to calm the body at once, as big pictures: "
            "few choices are easier when worried.",
            ("product",)),
    Default("attention.FOUR_WEEKS",
            "Days in the long adherence window.",
            "Your therapist sees how many days you practised in the last week and the last "
            "four weeks.",
            ("product",)),
    # Hopelessness: pointing to more help.
    Default("hopelessness.RECENT_SESSIONS",
            "Recorded sessions (attended or declined) looked at for hopelessness.",
            "When your child's therapist has noted hopelessness in two of the last {value} "
            "sessions, the app reminds them to talk with you about more help.",
            ("product", "nice2019")),
    Default("hopelessness.HOPELESS_SESSIONS",
            "Sessions among those marked hopeless that raise the hopelessness flag.",
            "When your child's therapist has noted hopelessness in {value} of the last three "
            "sessions, the app reminds them to talk with you about more help. One hard "
            "session does not.",
            ("product", "nice2019")),
    Default("hopelessness.HOPEFUL_WORDS_DAYS",
            "Days a check-in noting hopeless words keeps the flag raised and the family's "
            "card shown.",
            "If you note that your child said things like \u201cnothing will help\u201d, "
            "your child's therapist sees it for {value} days, and so do you, with where to "
            "turn for help.",
            ("product", "nice2019")),
    # The opportunity calendar (issue 16 item 6).
    Default("opportunity_calendar.SCHOOL_WEEKDAYS",
            "Weekdays (Monday = 0) the opportunity calendar treats as school days: with a "
            "check-in that lists nothing avoided about school, school counts as faced; "
            "without a check-in, as not recorded.",
            "The week's calendar counts Monday to Friday as school days. On a school day "
            "with a check-in that lists nothing avoided about school, school counts as "
            "faced; a day without a check-in is shown as not recorded, never as faced.",
            ("product",)),
    # Safety behaviours faded, and practice in varied contexts (issue 16, items 2 and 3).
    Default("mastery.MasteryRule.min_contexts",
            "Different places (a practice's `where`) the qualifying practices must cover before "
            "a step is mastered; a practice with no place told adds none. At 1 places are not "
            "looked at. A therapist may ask for 1 to 3.",
            "Usually a step done well in {value} place is enough; your child's therapist may "
            "ask for two or three different places before moving on, so the brave feeling "
            "comes along everywhere.",
            ("craske2014", "product")),
    Default("practice_context.PLACES",
            "The places a practice can be told to happen in. A context, for counting, is one "
            "distinct place; with whom and the time of day are recorded and shown, not counted.",
            "Trying a step in a new place (or with someone new) after it got easy in one place "
            "helps the calm come along wherever your child goes.",
            ("craske2014",)),
    Default("safety_fading.SUGGESTED_SAFETY_BEHAVIOURS",
            "Safety behaviours offered as chips for a ladder's list. A step mastered while "
            "leaning on one (its practices without it do not meet the mastery rule alone) gets "
            "a suggestion: the same step without it, added after the steps as hard as it.",
            "Once a step is easy while holding on to something (a hand, a phone), the next "
            "rung is the same step without it, so your child learns they were safe on their "
            "own.",
            ("craske2014", "kendall2006")),
    # Boosters after the top of a ladder, and the quick check that can reopen it.
    Default("boosters.BOOSTER_WEEKS",
            "Weeks after the ladder's last mastery on which a booster practice is offered "
            "(each a dated reminder at the family's local time).",
            "Once every step is mastered, a booster practice at {value[0]}, {value[1]}, "
            "{value[2]} and {value[3]} weeks after keeps it strong: fear that was learned away "
            "can creep back with time, and practice spread further and further apart helps "
            "the brave learning last.",
            ("kendall2006", "craske2014", "bouton2002", "product")),
    Default("boosters.CREEPING_ANSWER",
            "An answer of the quick check (0 No, 1 A little, 2 Yes, 3 A lot) at or above this "
            "says the old avoidance may be creeping back.",
            "The quick check suggests opening the ladder again when one answer is \u201cYes\u201d "
            "or more: avoiding again, fear back, or stepping in again.",
            ("product", "bouton2002", "lebowitz2013")),
    Default("boosters.CREEPING_TOTAL",
            "The three answers of the quick check adding up to this or more also say the "
            "avoidance may be creeping back.",
            "It also suggests it when the answers add up to {value}, such as \u201cA little\u201d "
            "to all three questions.",
            ("product",)),
    # Expectancy (issue 16 item 1): prediction, surprise, re-rating.
    Default("expectancy.LIKELIHOOD_STEPS",
            "The likelihood scale for the feared outcome: five child-friendly steps from "
            "\u201cIt won't happen\u201d to \u201cIt will for sure\u201d, stored as percent.",
            "Before a try your child says how likely the scary thing feels, on five steps "
            "({value} %), the same steps every time so the change shows.",
            ("product", "craske2014", "hicks2001")),
    Default("expectancy.PARTLY_SHARE",
            "How much of its badness a feared outcome that only partly happened counts for.",
            "If the scary thing only partly happened, it counts as half as bad "
            "({value}) when we compare it with what your child expected.",
            ("product",)),
    Default("expectancy.SURPRISE_MIN_GAP",
            "Points (of 100) by which what happened must beat the likelihood to be a surprise.",
            "When things go at least {value} points (of 100) better than your child expected, "
            "the app calls it a surprise: that is when brave brains learn the most, however "
            "scared your child felt.",
            ("craske2014", "craske2008")),
    Default("expectancy.RERATE_AFTER_DAYS",
            "Days after a practice with a prediction that the family is asked to re-rate it.",
            "{value} days after a try with a prediction, the app asks how likely the scary "
            "thing feels now, so you both see what stuck.",
            ("product", "craske2014", "craske2008")),
    Default("expectancy.RERATE_TIME",
            "Local time of the re-rating reminder when the caregiver has no practice reminder.",
            "The re-rating question comes at your usual practice reminder time, or at {value} "
            "if you have none.",
            ("product",)),
    # Both voices (issue 16 item 4): the child's faces and the caregiver's numbers on one try.
    Default("two_voices.LARGE_GAP",
            "Points on the 0-10 scale (each voice's average of before and after) by which the "
            "child's and the caregiver's ratings of one try must differ to count as a large gap; "
            "above a face's rounding (at most 1 point).",
            "When your child rates a try with faces and you rate it with numbers, we keep both. "
            "If they are {value} or more points apart, your child's therapist may ask about it: "
            "children and parents often see fear differently, and both views help.",
            ("delosreyes_kazdin2005", "achenbach1987", "product")),
    Default("two_voices.AGREEMENT_TRIES",
            "The latest tries rated by both that the therapist's page and the since-last-session "
            "summary show, with their average gap.",
            "Your child's therapist sees the last {value} tries that you and your child both "
            "rated, side by side.",
            ("delosreyes_kazdin2005", "product")),
    Default("two_voices.TALKING_POINT_TRIES",
            "Large gaps the same way (child scarier, or less scary) among those tries that make "
            "a talking point for the therapist; never shown as an error.",
            "If your child rates tries scarier (or less scary) than you do on {value} or more of "
            "them, the therapist sees it as something worth talking about together.",
            ("delosreyes_kazdin2005", "product")),
)

# Constants of the clinical modules that are not clinical choices, and why.
TECHNICAL: dict[str, str] = {
    "ladder_rules.GOAL_MAX": "input length limit",
    "ladder_rules.TITLE_MAX": "input length limit",
    "ladder_rules.DETAIL_MAX": "input length limit",
    "ladder_rules.STORY_MAX": "input length limit",
    "ladder_rules.SENSORY_STORY_MAX": "input length limit",
    "ladder_rules.SUBSTEP_MAX": "input length limit",
    "ladder_rules.CUSTOM_CALMING_MAX": "input length limit",
    "ladder_rules.CALMING_PLAN_MAX": "input count limit",
    "ladder_rules.MAX_STEPS": "a ceiling against runaway input (typical ladders have 8-15)",
    "ladder_rules.MAX_SUBSTEPS": "a ceiling against runaway input",
    "safety_fading.CUSTOM_SAFETY_MAX": "input length limit",
    "safety_fading.SAFETY_LIST_MAX": "input count limit",
    "boosters.ANSWER_MAX": "the top of the quick check's answer scale (No, A little, Yes, A lot)",
}

# The rule modules whose numbers are clinical choices: each must be covered above.
CLINICAL_MODULES: tuple[str, ...] = (
    "mastery", "ladder_rules", "child_steps", "faces", "streaks", "avoidance_trap", "flags",
    "attention", "accommodation_plan", "what_clicks", "calm_first", "hopelessness",
    "opportunity_calendar",
    "practice_context", "safety_fading",
    "boosters",
    "expectancy",
    "two_voices",
)


def value_of(name: str):
    """Return the value the code uses for an entry's name (module.NAME or module.Class.field)."""
    module, *path = name.split(".")
    found = import_module(f"{__package__}.{module}")
    for part in path:
        found = getattr(found, part)
    return found


def sources_of(default: Default) -> list[Source]:
    return [SOURCES[key] for key in default.sources]


@dataclass(frozen=True)
class FamilyEntry:
    """One paragraph of the family's "why" page: entries saying the same thing share it."""

    text: str
    anchors: tuple[str, ...]
    sources: tuple[Source, ...]


def family_page() -> list[FamilyEntry]:
    """The entries in their order, each family wording once, with all their anchors and sources."""
    grouped: dict[str, list[Default]] = {}
    for default in DEFAULTS:
        grouped.setdefault(default.plain_text, []).append(default)
    return [FamilyEntry(text, tuple(d.anchor for d in alike),
                        tuple(dict.fromkeys(s for d in alike for s in sources_of(d))))
            for text, alike in grouped.items()]
