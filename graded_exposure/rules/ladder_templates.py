"""Ladders a family can start from: easy to hard, small rungs, body-first calming.

Plain data, no Flask or database. Families change any step afterwards; these are a start.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateStep:
    """One rung: predicted fear 0-10, a short how-to, small sub-steps and maybe a social story."""

    fear: int
    title: str
    detail: str
    substeps: tuple[str, ...]
    story: tuple[str, ...] = ()


@dataclass(frozen=True)
class LadderTemplate:
    """A whole ladder to start from."""

    key: str
    name: str
    summary: str
    goal: str
    area: str
    calming: tuple[str, ...]
    steps: tuple[TemplateStep, ...]


S = TemplateStep

SCHOOL_DAY = LadderTemplate(
    key="school-day",
    name="School mornings and the whole school day",
    summary="From wearing the uniform at home to a full day in class.",
    goal="Go to school for a whole day",
    area="school",
    calming=("Deep pressure hug", "Slow breathing: smell the flower, blow the candle",
             "Push the wall", "Squeeze a stress ball"),
    steps=(
        S(1, "Wear school clothes at home",
          "On a weekend morning, put the uniform on and do something fun while wearing it.",
          ("Lay the clothes out together the night before", "Get dressed after breakfast",
           "Play a favourite game in uniform for half an hour")),
        S(2, "Visit school at the weekend",
          "Walk or drive to school when it is closed. Look at the gate and the door you use.",
          ("Go the usual way to school", "Stand at the gate for a minute",
           "Point out the classroom window", "Have a treat on the way home")),
        S(3, "Meet the teacher in an empty classroom",
          "After school, when the others have gone, spend ten minutes with the teacher.",
          ("Walk in together", "Find your peg and your seat", "Show the teacher one thing you like",
           "Say goodbye and plan the next visit"),
          ("My classroom is quiet after school.", "My teacher is happy to see me.",
           "I can look around and ask questions.", "Then I go home.")),
        S(3, "Practise the school morning on a home day",
          "Do the whole morning routine at school pace, right up to putting shoes on at the door.",
          ("Alarm at school time", "Wash, dress and eat breakfast", "Pack the school bag",
           "Shoes and coat on by leaving time")),
        S(4, "Go to the gate at drop-off time",
          "Join the morning crowd at the gate for five minutes, then go home. "
          "Keep it calm and dull.",
          ("Calm the body before leaving home", "Walk to the gate with your grown-up",
           "Watch the others go in for five minutes", "Go home and do quiet reading, not screens"),
          ("Sometimes I feel wobbly at the gate.", "That's OK. My body is getting ready.",
           "I can smell the flower and blow the candle.", "The wobbly feeling gets smaller.")),
        S(5, "Stay for the first hour",
          "Go in with the class and stay until the planned pick-up. Agree the plan with school.",
          ("Agree the pick-up time with school beforehand", "Say the goodbye phrase at the gate",
           "Find one friendly face in class", "Get picked up at the planned time, not earlier")),
        S(6, "Stay until morning break",
          "Stay through the first lessons and go out at break before being collected.",
          ("Use the calming plan before leaving home", "Go in with the class",
           "Stay through the first lessons", "Go out to play at break, then get collected")),
        S(7, "Stay until lunch",
          "Stay the whole morning. Leave at the planned time, not when the worry is at its peak.",
          ("Plan a quiet place to go if it gets big", "Stay through break and the lessons after",
           "Tell one adult how it went", "Get picked up at lunchtime"),
          ("Mornings at school have lots of parts.",
           "If my worry gets big, I can go to my quiet place.",
           "Then I come back to class.", "At lunchtime my grown-up comes.")),
        S(8, "Stay through lunch",
          "Eat lunch at school and play, then get collected after the first afternoon lesson.",
          ("Choose a packed lunch or school dinner together", "Sit with a chosen friend or adult",
           "Go out to play after eating", "Stay for the first afternoon lesson")),
        S(8, "A whole day with an early pick-up",
          "Stay all day and get collected thirty minutes before home time.",
          ("Agree the early pick-up with the teacher", "Use a calming strategy at break",
           "Do the afternoon lessons", "Celebrate a whole day's worth of brave")),
        S(9, "A whole school day",
          "Go in at the start and come out with everyone at home time.",
          ("Calm the body before leaving home", "Goodbye at the gate, short and warm",
           "Stay all day", "Come out with the class at home time")),
    ),
)

SHOPS = LadderTemplate(
    key="shops-outings",
    name="Shops and outings",
    summary="From a quiet corner shop to a busy supermarket, paying at the till.",
    goal="Go into a busy shop and buy something",
    area="outings",
    calming=("Squeeze a stress ball", "Count 5 things you can see",
             "Slow breathing: smell the flower, blow the candle", "Listen to a favourite song"),
    steps=(
        S(1, "Look at the shop online together",
          "Look at photos or a video of the shop at home and talk about what is inside.",
          ("Find pictures of the entrance and the tills", "Choose one thing to buy one day",
           "Talk about what the shop sounds like")),
        S(2, "Sit in the car park for five minutes",
          "Park or stand outside the shop and watch people go in and out.",
          ("Park where you can see the door", "Count the people going in",
           "Notice that they come out again")),
        S(2, "Walk into a small quiet shop and out again",
          "Choose a quiet time. Go in through the door, take a few steps, and come back out.",
          ("Hold hands at the door", "Walk in five steps", "Look around, then walk out calmly")),
        S(3, "Stay five minutes in a quiet shop",
          "Walk around a small shop for five minutes and find one thing on the list.",
          ("Take a list with one picture on it", "Find the item together",
           "Put it back and leave at the five minute mark")),
        S(4, "Choose something while your grown-up pays",
          "Pick one item in a quiet shop and carry it to the till. The grown-up does the talking.",
          ("Choose a small treat", "Carry it to the till",
           "Stand next to your grown-up while they pay")),
        S(5, "Hand the money to the cashier",
          "In a quiet shop, hand over the money or the card. Your grown-up stays right beside you.",
          ("Hold the money ready in the queue", "Put it on the counter or in their hand",
           "Take the change or receipt"),
          ("The person at the till is just doing their job.", "I can hand them the money.",
           "If I feel shy, I can smile.", "My grown-up is right next to me.")),
        S(5, "A big supermarket at a quiet time",
          "Go early on a weekday morning and do a short shop together, staying close.",
          ("Calm the body in the car first", "Take a trolley or basket",
           "Find three things on a picture list", "Stay together to the end")),
        S(6, "Fetch one item from the next aisle",
          "At a quiet time, fetch one thing from the next aisle while your grown-up waits "
          "at the end.",
          ("Agree where your grown-up will wait", "Walk to the next aisle and find the item",
           "Come back and hand it over")),
        S(7, "Fifteen minutes in a busy supermarket",
          "Go at a busy time, such as Saturday morning, and stay for fifteen minutes.",
          ("Use the calming plan before going in", "Notice five things you can see",
           "Stay until the timer goes, even if the worry is loud")),
        S(7, "Pay at the till and say thank you",
          "In a busy shop, pay for one thing and say thank you. "
          "Your grown-up waits a few steps away.",
          ("Queue with your item", "Hand over the money",
           "Say thank you, or wave if words are hard"),
          ("Shops can be loud and busy.", "I can breathe slowly while I wait.",
           "I pay and say thank you.", "I did a brave thing.")),
        S(8, "A whole busy shopping trip",
          "Do a full shop at a busy time, helping with the list and the till.",
          ("Make the list together", "Find half the items yourself", "Pack the bags at the till",
           "Choose where to go next time")),
    ),
)

DROP_OFF = LadderTemplate(
    key="drop-off",
    name="Separation at drop-off",
    summary="From a few minutes apart at home to a calm goodbye at the door.",
    goal="Say goodbye at drop-off and stay happily",
    area="separation",
    calming=("Deep pressure hug", "Weighted lap pad", "Roll a therapy ball",
             "Slow breathing: smell the flower, blow the candle"),
    steps=(
        S(1, "Play in another room for five minutes",
          "At home, play in a different room from your grown-up with the door open.",
          ("Choose a toy or game", "Set a five minute timer", "Call out to each other once")),
        S(2, "Practise the goodbye routine at home",
          "Make up a short, fixed goodbye: a hug, a special phrase and a wave. "
          "Practise it in play.",
          ("Choose the hug and the phrase together", "Practise it with a teddy",
           "Practise it at the front door")),
        S(2, "Play with the door closed for ten minutes",
          "Play in another room with the door closed. Your grown-up does not check in.",
          ("Use the goodbye routine", "Close the door", "Play until the timer goes")),
        S(3, "Stay with a relative while your grown-up pops out",
          "A familiar adult stays at home while your grown-up goes out for fifteen minutes.",
          ("Say the goodbye routine at the door", "Play a game with the relative",
           "Welcome your grown-up back with a high five"),
          ("My grown-up is going out for a little while.", "I stay with someone I know.",
           "My grown-up always comes back.", "I can play while I wait.")),
        S(3, "Visit the drop-off place together",
          "Go to the nursery, club or school together and stay together for the visit.",
          ("Find the coat peg or door", "Meet the adult who will look after you",
           "Play there for a while", "Leave together")),
        S(4, "Your grown-up sits at the side",
          "At drop-off, your grown-up stays in the room but sits at the edge, reading or quiet.",
          ("Say where your grown-up will sit", "Join the activity",
           "Look over once or twice, then keep playing")),
        S(5, "Your grown-up leaves for five minutes",
          "Do the goodbye routine. Your grown-up leaves the room for five minutes and comes back.",
          ("Do the goodbye routine, short and warm", "Your grown-up leaves without sneaking out",
           "Play with the adult in charge", "Your grown-up comes back when they said"),
          ("My grown-up says goodbye and goes for a little while.", "My tummy might feel wobbly.",
           "I can hug my lap pad and breathe slowly.", "My grown-up comes back.")),
        S(6, "Your grown-up leaves for fifteen minutes",
          "The same goodbye routine, with a longer time apart. Keep the goodbye brief.",
          ("Do the goodbye routine", "Choose a first activity with the adult in charge",
           "Stay until your grown-up returns")),
        S(7, "Your grown-up leaves for half the session",
          "Your grown-up goes after the goodbye and comes back halfway through.",
          ("Agree the return time with the staff", "Do the goodbye routine",
           "Use a calming strategy if the worry grows", "Show your grown-up what you did")),
        S(8, "Goodbye at the door for the whole session",
          "Say goodbye at the door and stay the whole session. "
          "Your grown-up collects you at the end.",
          ("Goodbye routine at the door", "Walk in with the adult in charge",
           "Stay to the end", "Tell your grown-up one good thing")),
        S(8, "Goodbye at the gate or the car",
          "Say goodbye outside and walk in with a member of staff or a friend.",
          ("Goodbye routine at the gate", "Walk in with staff or a friend",
           "Wave from the door", "Stay to the end"),
          ("I say goodbye at the gate.", "I walk in with my teacher.",
           "I might feel worried, and that is OK.", "The worry gets smaller as I play.")),
    ),
)

PARTIES = LadderTemplate(
    key="parties-social",
    name="Parties and social situations",
    summary="From a friend at home to staying at a party on your own.",
    goal="Go to a birthday party and join in",
    area="social",
    calming=("Push the wall", "Count 5 things you can see", "Cold water on hands",
             "Slow breathing: smell the flower, blow the candle"),
    steps=(
        S(1, "Talk about parties at home",
          "Look at photos or a story about a party and talk about the different parts.",
          ("Look at party photos together", "Name the parts: arriving, games, food, going home",
           "Choose the part that sounds most fun")),
        S(1, "Play a party game with the family",
          "Play pass the parcel or musical statues at home with family.",
          ("Choose a game", "Play two rounds", "Take a turn to be the one who starts the music")),
        S(2, "Have one friend over to play",
          "Invite one friend for an hour at home, with an activity ready.",
          ("Choose the friend together", "Plan one activity", "Say hello at the door",
           "Say goodbye at the end")),
        S(3, "Meet a friend at the park",
          "Meet one friend in a park or playground for half an hour.",
          ("Agree a meeting place", "Say hello", "Play one game together")),
        S(3, "Say hello at a small family gathering",
          "Go to a small get-together of relatives and say hello to each person.",
          ("Practise saying hello in the car", "Say hello or wave to each person",
           "Stay for an hour"),
          ("There will be people I know.", "I can say hello or wave.",
           "I can stay close to my grown-up at first.")),
        S(4, "Visit a party place when it is quiet",
          "Go to a soft play or party venue at a quiet time and play there.",
          ("Look around the room", "Play for half an hour", "Find the toilets and a quiet corner")),
        S(5, "Arrive early at a party and stay fifteen minutes",
          "Arriving early is easier: the room fills up slowly around you.",
          ("Calm the body in the car", "Arrive before most guests",
           "Give the present and say happy birthday", "Stay fifteen minutes"),
          ("Parties start quiet and get busy.", "If it gets loud, I can push the wall.",
           "I can stay a bit longer each time.")),
        S(6, "Stay thirty minutes with your grown-up nearby",
          "Stay for half an hour. Your grown-up stays in the room, close but not holding on.",
          ("Agree where your grown-up will be", "Watch a game first",
           "Stay the full thirty minutes")),
        S(7, "Join in one party game",
          "Take part in one game, even for a short while. Watching first is fine.",
          ("Watch the game once through", "Join in for one round",
           "Tell your grown-up how it felt")),
        S(7, "Stay for the whole party",
          "Stay from start to finish, with your grown-up in the room.",
          ("Arrive on time", "Join a game and the food", "Stay for the cake and goodbyes")),
        S(8, "Whole party, grown-up waits outside the room",
          "Your grown-up waits in the café or the next room and you stay with the other children.",
          ("Say where your grown-up will wait", "Stay with the other children",
           "Use your calming plan if needed", "Find your grown-up at the end")),
        S(9, "A drop-off party",
          "Your grown-up leaves after the goodbye and comes back at the end.",
          ("Goodbye routine at the door", "Join the first game",
           "Eat with the others", "Show your grown-up your party bag"),
          ("My grown-up drops me off and comes back at the end.", "I know the birthday child.",
           "If I feel worried, I can count 5 things I can see.", "I can have fun too.")),
    ),
)

TEMPLATES: tuple[LadderTemplate, ...] = (SCHOOL_DAY, SHOPS, DROP_OFF, PARTIES)


def template_by_key(key: str) -> LadderTemplate | None:
    """Return the template with this key, or None."""
    return next((t for t in TEMPLATES if t.key == key), None)
