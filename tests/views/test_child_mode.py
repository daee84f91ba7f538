"""The child view over HTTP: entering, the next steps only, faces, stars, and the way out."""
import re

import pytest
from sqlmodel import func, select

from graded_exposure.models import Practice
from graded_exposure.rules.faces import FACES
from graded_exposure.services import families
from tests.conftest import PASSWORD, csrf_from
from tests.factories import add_practice, make_ladder


def page_of(family) -> str:
    return f"/children/{family.child.id}/brave"


def token(family) -> str:
    """A CSRF token from a page that stays reachable in child mode."""
    return csrf_from(family.client.get(page_of(family)).get_data(as_text=True))


def post(family, url, data=None, **kw):
    return family.client.post(url, data={"csrf_token": token(family), **(data or {})}, **kw)


def enter(family):
    response = post(family, f"/children/{family.child.id}/child-mode")
    assert response.status_code == 303
    return response


def try_url(family, step) -> str:
    return f"/children/{family.child.id}/brave/steps/{step.id}"


def open_try(family, step) -> str:
    """Open a step's faces form and return its idempotency key."""
    response = family.client.get(try_url(family, step))
    assert response.status_code == 200
    return re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"',
                     response.get_data(as_text=True)).group(1)


def count(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Practice)).one()


def in_child_mode(family) -> bool:
    response = family.client.get("/family")
    return response.status_code == 302 and response.location.endswith(page_of(family))


GOOD = {"before": "worried", "outcome": "did_it", "after": "happy"}


@pytest.fixture
def current(db, family):
    """The current step of a 12-step ladder whose first 3 steps are mastered."""
    return make_ladder(db, family.child, steps=12, mastered=3).steps[3]


# Entering

def test_start_child_mode_opens_the_child_page_without_caregiver_links(family):
    response = enter(family)
    assert response.location.endswith(page_of(family))
    assert in_child_mode(family)
    html = family.client.get(page_of(family)).get_data(as_text=True)
    assert "Hi, Sam!" in html
    assert "Grown-ups" in html
    for caregiver_only in ("Log out", 'href="/family"', 'href="/account"', 'aria-label="Main"'):
        assert caregiver_only not in html


def test_start_without_csrf_is_refused(family):
    response = family.client.post(f"/children/{family.child.id}/child-mode")
    assert response.status_code == 400
    assert not in_child_mode(family)


def test_other_family_gets_404_everywhere(db, family, other_family, current):
    practice = add_practice(db, family.child, current, before=5)
    child = family.child.id
    token_ = csrf_from(other_family.client.get("/family").get_data(as_text=True))
    for method, url in [("POST", f"/children/{child}/child-mode"),
                        ("GET", f"/children/{child}/brave"),
                        ("GET", f"/children/{child}/brave/steps/{current.id}"),
                        ("POST", f"/children/{child}/brave/steps/{current.id}"),
                        ("GET", f"/children/{child}/brave/done/{practice.id}")]:
        response = other_family.client.open(url, method=method,
                                            data={"csrf_token": token_, **GOOD})
        assert response.status_code == 404, (method, url)
    assert count(db) == 1
    assert not in_child_mode(other_family)


# The child page

def test_only_the_current_step_and_the_next_two_are_shown(db, family, current):
    enter(family)
    html = family.client.get(page_of(family)).get_data(as_text=True)
    assert sorted(int(n) for n in re.findall(r'class="brave-title"[^>]*>Step (\d+)<', html)) == [
        4, 5, 6]
    assert html.index(">Step 4<") < html.index(">Step 5<") < html.index(">Step 6<")
    assert html.count("I’m going to try this!") == 3
    assert "You’ve mastered 3 steps!" in html
    assert "Go to school" not in html  # the big goal is the whole ladder: not shown


def test_each_ladder_area_is_drawn_beside_its_name(db, family):
    make_ladder(db, family.child, goal="Sleep alone", area="sleep")
    make_ladder(db, family.child, goal="Old area", area="gone")  # stored before areas changed
    enter(family)
    html = family.client.get(page_of(family)).get_data(as_text=True)
    for area, name in (("sleep", "Bedtime"), ("other", "Brave steps")):
        assert re.search(rf'<svg class="icon area-icon area-{area}"[^>]*aria-hidden="true">'
                         rf'.*?</svg> {name}</h2>', html, re.S), area
    assert not re.search("[\U0001F300-\U0001FAFF]", html.split("<main")[1].split(
        "child-avatar")[1].split("</span>", 1)[1])  # the child's own avatar aside


def test_no_steps_yet_is_friendly(family):
    enter(family)
    html = family.client.get(page_of(family)).get_data(as_text=True)
    assert "No brave steps yet" in html


def test_stored_text_is_escaped(db, family):
    families.add_child(db, family.user, display_name="<script>x</script>")
    child = family.user.family.children[-1]
    html = family.client.get(f"/children/{child.id}/brave").get_data(as_text=True)
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


def test_steps_not_offered_are_404_on_the_form(db, family, current):
    steps = current.ladder.steps
    for hidden in (steps[0], steps[6], steps[11]):  # mastered, and further up the ladder
        assert family.client.get(try_url(family, hidden)).status_code == 404
    assert family.client.get(try_url(family, steps[5])).status_code == 200


# Calm my body first

def calm_url(family, step) -> str:
    return f"{try_url(family, step)}/calm"


def test_the_try_offers_calming_the_body_before_the_faces(family, current):
    html = family.client.get(try_url(family, current)).get_data(as_text=True)
    offer = html.index(f'href="{calm_url(family, current)}"')
    assert "Calm my body first" in html and offer < html.index('name="before"')
    assert 'name="calm_first" type="hidden" value=""' in html


def test_the_calm_screen_shows_the_plan_as_pictures_then_im_ready(db, family, current):
    current.ladder.calming_plan = ["Roll a therapy ball", "Blow bubbles"]
    db.commit()
    enter(family)
    response = family.client.get(calm_url(family, current))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('<svg class="calm-picture"') == 2
    assert "Roll a therapy ball" in html and "Roll the big ball slowly" in html
    assert "Blow bubbles" in html
    assert 'class="breathe-circle"' in html and "Breathe in: 1, 2, 3, 4" in html
    assert f'href="{try_url(family, current)}?calm=yes">I’m ready' in html


def test_the_calm_screen_without_a_plan_offers_pushing_hands(family, current):
    html = family.client.get(calm_url(family, current)).get_data(as_text=True)
    assert html.count('<svg class="calm-picture"') == 1
    assert "Push your hands together" in html


def test_the_calm_screen_escapes_a_familys_own_strategy(db, family, current):
    current.ladder.calming_plan = ["<script>alert(1)</script>"]
    db.commit()
    html = family.client.get(calm_url(family, current)).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


def test_the_calm_screen_and_the_try_load_nothing_lazily(app, db, family, current, monkeypatch):
    current.ladder.calming_plan = ["Roll a therapy ball"]
    current.sensory_story = "I will hear the bell."
    db.commit()
    monkeypatch.setitem(app.config, "RAISE_ON_LAZY_LOAD", True)
    for url in (calm_url(family, current), f"{try_url(family, current)}?calm=yes"):
        assert family.client.get(url).status_code == 200, url


def test_the_calm_screen_is_404_for_steps_not_offered(family, current):
    steps = current.ladder.steps
    for hidden in (steps[0], steps[6]):
        assert family.client.get(calm_url(family, hidden)).status_code == 404


def test_a_try_after_calming_records_calm_first(db, family, current):
    enter(family)
    html = family.client.get(f"{try_url(family, current)}?calm=yes").get_data(as_text=True)
    assert "Your body is calm" in html and "Calm my body first" not in html
    assert 'name="calm_first" type="hidden" value="yes"' in html
    key = re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"', html).group(1)
    response = post(family, try_url(family, current),
                    {**GOOD, "calm_first": "yes", "idempotency_key": key})
    assert response.status_code == 303
    assert db.exec(select(Practice)).one().calm_first is True


def test_a_refused_try_after_calming_keeps_calm_first(family, current):
    data = {**GOOD, "after": "", "calm_first": "yes", "idempotency_key": open_try(family, current)}
    html = post(family, try_url(family, current), data).get_data(as_text=True)
    assert 'name="calm_first" type="hidden" value="yes"' in html


def test_editing_a_practice_keeps_calm_first(db, family, current):
    key = open_try(family, current)
    post(family, try_url(family, current), {**GOOD, "calm_first": "yes", "idempotency_key": key})
    practice = db.exec(select(Practice)).one()
    response = post(family, f"/practices/{practice.id}/edit", {
        "step": current.id, "fear_before": "6", "fear_after": "2", "outcome": "did_it"})
    assert response.status_code == 303
    db.expire_all()
    assert (practice.fear_before, practice.calm_first) == (6, True)


# Stories

def test_social_and_sensory_stories_can_be_read_aloud(db, family, current):
    current.social_story = "I walk in with Mum."
    current.sensory_story = "I will hear the bell. <b>loud</b>"
    db.commit()
    html = family.client.get(try_url(family, current)).get_data(as_text=True)
    assert "What I will see, hear and feel" in html
    assert "I will hear the bell. &lt;b&gt;loud&lt;/b&gt;" in html
    for story in ("social-story", "sensory-story"):
        assert f'id="{story}"' in html
        assert f'data-read-aloud="{story}" hidden>' in html  # shown by the script when it can
    assert len(re.findall(r"/static/js/read_aloud\.\w+\.js", html)) == 1


def test_no_story_no_read_aloud(family, current):
    html = family.client.get(try_url(family, current)).get_data(as_text=True)
    assert "data-read-aloud" not in html and "read_aloud" not in html


# Logging a try with faces

def test_log_a_try_with_faces(db, family, current):
    enter(family)
    key = open_try(family, current)
    response = post(family, try_url(family, current),
                    {**GOOD, "idempotency_key": key, "child_id": "999", "logged_by_id": "999"})
    assert response.status_code == 303
    stored = db.exec(select(Practice)).one()
    assert response.location.endswith(f"/children/{family.child.id}/brave/done/{stored.id}")
    assert (stored.fear_before, stored.fear_peak, stored.fear_after) == (7, 7, 3)
    assert (stored.outcome, stored.step_id, stored.child_id) == ("did_it", current.id,
                                                                 family.child.id)
    assert stored.logged_by_id == family.user.id
    assert stored.idempotency_key == key
    assert stored.calm_first is False


def test_the_form_has_three_labelled_groups_of_big_buttons(family, current):
    html = family.client.get(try_url(family, current)).get_data(as_text=True)
    assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
    for label in ("Very happy", "Happy", "OK", "Worried", "Very scared",
                  "I did it!", "I did some", "I stopped early"):
        assert label in html
    assert html.count('type="radio"') == 5 + 3 + 5
    assert "<script" not in html.split("</head>")[1]  # works without JavaScript


def test_faces_and_outcomes_are_drawn_not_emoji_and_their_words_are_read(family, current):
    """Emoji look different on every phone (colour on one, black and white on another)."""
    html = family.client.get(try_url(family, current)).get_data(as_text=True)
    assert not re.search("[\U0001F300-\U0001FAFF\u2600-\u27BF]", html.split("<main")[1])
    for key, label in (("very_happy", "Very happy"), ("happy", "Happy"), ("ok", "OK"),
                       ("worried", "Worried"), ("very_scared", "Very scared")):
        # The drawn face is hidden from screen readers: they read the words beside it.
        faces = re.findall(rf'<svg class="icon face-icon face-{key}"[^>]*aria-hidden="true">'
                           rf'.*?</svg><span class="face-label">{label}</span>', html, re.S)
        assert len(faces) == 2, key  # before and after
    for outcome in ("did_it", "partly", "left_early"):
        assert html.count(f'<svg class="icon outcome-icon outcome-{outcome}"') == 1


def test_the_face_drawing_carries_its_words_when_none_are_beside_it(app):
    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros/icons.html").module.face_icon
        drawn = str(macro(FACES[3], label="Worried"))
    assert 'role="img" aria-label="Worried"><title>Worried</title>' in drawn
    assert "aria-hidden" not in drawn


def test_double_submit_stores_one_practice(db, family, current):
    enter(family)
    data = {**GOOD, "idempotency_key": open_try(family, current)}
    first = post(family, try_url(family, current), data)
    second = post(family, try_url(family, current), data)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert count(db) == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"before": "terrified"}, "Tap a face to show how you feel before you try."),
    ({"before": ""}, "Tap a face to show how you feel before you try."),
    ({"before": None}, "Tap a face to show how you feel before you try."),
    ({"after": "7"}, "Tap a face to show how you feel now."),
    ({"after": None}, "Tap a face to show how you feel now."),
    ({"outcome": "did_not_try"}, "Tap one: I did it, I did some or I stopped early."),
    ({"outcome": None}, "Tap one: I did it, I did some or I stopped early."),
    ({"idempotency_key": "not-a-key"}, "This page got too old. Tap Save again."),
    ({"idempotency_key": None}, "This page got too old. Tap Save again."),
    ({"calm_first": "maybe"}, "This page got mixed up. Go back and start the try again."),
])
def test_bad_input_is_refused_and_nothing_stored(db, family, current, change, message):
    enter(family)
    data = {**GOOD, "idempotency_key": open_try(family, current), **change}
    response = post(family, try_url(family, current),
                    {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


def test_a_try_without_csrf_is_refused(db, family, current):
    enter(family)
    data = {**GOOD, "idempotency_key": open_try(family, current)}
    response = family.client.post(try_url(family, current), data=data)
    assert response.status_code == 400
    assert count(db) == 0


def test_a_refused_form_keeps_the_chosen_faces(family, current):
    data = {**GOOD, "after": "", "idempotency_key": open_try(family, current)}
    html = post(family, try_url(family, current), data).get_data(as_text=True)
    assert re.search(r'value="worried" checked', html)
    assert re.search(r'value="did_it" checked', html)


def test_another_childs_step_is_404(db, app, family, other_family, current):
    sibling = families.add_child(db, family.user, display_name="Kim")
    siblings_step = make_ladder(db, sibling, steps=12, mastered=3).steps[3]
    others_step = make_ladder(db, other_family.child, steps=12, mastered=3).steps[3]
    enter(family)
    for step in (siblings_step, others_step):
        assert family.client.get(try_url(family, step)).status_code == 404
        response = post(family, try_url(family, step),
                        {**GOOD, "idempotency_key": "a" * 32})
        assert response.status_code == 404
    assert count(db) == 0


# The done page

def test_done_page_shows_the_stars_earned_and_the_total(db, family, current):
    add_practice(db, family.child, current, before=5)  # 2 stars earlier
    enter(family)
    done = post(family, try_url(family, current),
                {**GOOD, "idempotency_key": open_try(family, current)})
    html = family.client.get(done.location).get_data(as_text=True)
    assert "You did it!" in html
    assert "★★★" in html and "★★★★" not in html
    assert "3 stars" in html
    assert "5 stars</strong> in all" in html
    assert "Before: <svg class=\"icon face-icon face-worried\"" in html
    assert "After: <svg class=\"icon face-icon face-happy\"" in html
    assert f'href="/children/{family.child.id}/brave"' in html


@pytest.mark.parametrize(("before", "stars"), [("very_happy", "1 star<"), ("ok", "2 stars"),
                                               ("worried", "3 stars"), ("very_scared", "3 stars")])
def test_braver_at_higher_fear_earns_more(family, current, before, stars):
    done = post(family, try_url(family, current),
                {**GOOD, "before": before, "idempotency_key": open_try(family, current)})
    assert stars in family.client.get(done.location).get_data(as_text=True)


def test_done_page_for_another_childs_practice_is_404(db, family, current):
    sibling = families.add_child(db, family.user, display_name="Kim")
    theirs_step = make_ladder(db, sibling, steps=12, mastered=3).steps[3]
    theirs = add_practice(db, sibling, theirs_step, before=5)
    url = f"/children/{family.child.id}/brave/done/{theirs.id}"
    assert family.client.get(url).status_code == 404
    assert family.client.get(f"/children/{sibling.id}/brave/done/{theirs.id}").status_code == 200


# Everything else leads back to the child page

def test_other_pages_redirect_to_the_child_page(db, family, current):
    enter(family)
    target = page_of(family)
    for url in ("/", "/family", "/account", f"/children/{family.child.id}",
                f"/children/{family.child.id}/practices/new"):
        response = family.client.get(url)
        assert response.status_code == 302, url
        assert response.location.endswith(target), url
    response = post(family, f"/children/{family.child.id}/practices",
                    {"step": current.id, "fear_before": "5", "fear_after": "2",
                     "idempotency_key": "b" * 32})
    assert response.status_code == 303
    assert response.location.endswith(target)
    assert count(db) == 0


def test_htmx_requests_get_hx_redirect(db, family):
    enter(family)
    target = page_of(family)
    for response in (family.client.get("/family", headers={"HX-Request": "true"}),
                     post(family, f"/children/{family.child.id}/edit",
                          {"display_name": "Changed"}, headers={"HX-Request": "true"})):
        assert response.status_code == 204
        assert response.headers["HX-Redirect"].endswith(target)
        assert "Location" not in response.headers
        assert b"<html" not in response.data
    db.refresh(family.child)
    assert family.child.display_name == "Sam"


def test_another_childs_child_view_leads_back_to_the_open_one(db, family):
    sibling = families.add_child(db, family.user, display_name="Kim")
    enter(family)
    for response in (family.client.get(f"/children/{sibling.id}/brave"),
                     post(family, f"/children/{sibling.id}/child-mode")):
        assert response.location.endswith(page_of(family))
    assert in_child_mode(family)


def test_static_files_and_login_page_stay_reachable(family):
    enter(family)
    with family.client.get("/static/css/app.css") as response:
        assert response.status_code == 200
    login = family.client.get("/login")
    assert not (login.location or "").endswith(page_of(family))


def test_therapists_never_open_the_child_view(therapist_client, family):
    assert therapist_client.get(page_of(family)).status_code == 404
    assert therapist_client.get("/child-mode/exit").status_code == 404


# Leaving

def test_exit_page_asks_for_the_password_and_warns(family):
    enter(family)
    html = family.client.get("/child-mode/exit").get_data(as_text=True)
    assert 'type="password"' in html
    assert "After 5 wrong tries you will be logged out" in html


def test_wrong_password_is_422_and_stays_in_child_mode(family):
    enter(family)
    response = post(family, "/child-mode/exit", {"password": "not it at all"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "That password is not right." in html
    assert "4 tries left" in html
    assert in_child_mode(family)


def test_empty_password_is_422_and_not_counted(family):
    enter(family)
    response = post(family, "/child-mode/exit", {"password": ""})
    assert response.status_code == 422
    assert "Type your password." in response.get_data(as_text=True)
    response = post(family, "/child-mode/exit", {"password": "wrong"})
    assert "4 tries left" in response.get_data(as_text=True)


def test_right_password_leaves_child_mode(family):
    enter(family)
    response = post(family, "/child-mode/exit", {"password": PASSWORD})
    assert response.status_code == 303
    assert response.location.endswith(f"/children/{family.child.id}")
    assert family.client.get("/family").status_code == 200


def test_exit_without_csrf_is_refused(family):
    enter(family)
    response = family.client.post("/child-mode/exit", data={"password": PASSWORD})
    assert response.status_code == 400
    assert in_child_mode(family)


def test_five_wrong_tries_log_out(family):
    enter(family)
    for _ in range(4):
        assert post(family, "/child-mode/exit", {"password": "guess"}).status_code == 422
    response = post(family, "/child-mode/exit", {"password": "guess"})
    assert response.status_code == 303
    assert response.location.endswith("/login")
    assert "logged out" in family.client.get("/login").get_data(as_text=True)
    after = family.client.get("/family")
    assert after.status_code == 302 and "/login" in after.location
    login = family.client.post("/login", data={  # a fresh login is a fresh start
        "email": family.user.email, "password": PASSWORD,
        "csrf_token": csrf_from(family.client.get("/login").get_data(as_text=True))})
    assert login.status_code == 303
    assert family.client.get("/family").status_code == 200


def test_exit_outside_child_mode_goes_home(family):
    response = family.client.get("/child-mode/exit")
    assert response.status_code == 302
    assert response.location.endswith("/")
