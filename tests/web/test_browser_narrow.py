"""Every staff page at a phone's width (390 px) and at a desktop's: no sideways scrolling.

Each role signs in through the real form and visits every page of its own; the page must not be
wider than the window (tables scroll inside their own box, long words wrap). The list of pages
is checked against the app's URL map, so a new staff page cannot be left out of this test.
"""

from __future__ import annotations

from recruit import services
from recruit.services import outbox, requirements, review
from tests.browser import browser_page, marks, shot
from tests.web import factories as f

pytestmark = marks

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
STRONG = {"negotiation": "negociere", "crm": "CRM", "contracts": "contracte"}
# Long unbroken text as real data has it: an address, a compound name, a pasted link.
LONG_EMAIL = "alexandra-ioana.constantinescu-dumitrescu@departamentul-vanzari.example.ro"
LONG_NAME = "Alexandra-Ioana Constantinescu-Dumitrescu-Vasilescu"
LONG_NOTE = "Vezi https://intranet.example.ro/recrutare/interviuri/2026/noiembrie/evaluare-finala"

# Every GET page staff reach; {o}, {a}, {v} are an opening, an application and a version.
PAGES = {
    "recruiter": [
        "/recruiter/",
        "/recruiter/openings/{o}",
        "/recruiter/openings/{o}?view=ranked",
        "/recruiter/applications/{a}",
        "/recruiter/needs-review",
        "/recruiter/openings/{o}/needs-review",
        "/recruiter/openings/new",
        "/recruiter/openings/{o}/edit",
        "/recruiter/openings/{o}/emails",
        "/recruiter/talent-pool?q=constantinescu",
        "/auth/password",
    ],
    "hiring_manager": [
        "/recruiter/",
        "/recruiter/openings/{o}",
        "/recruiter/applications/{a}",
        "/manager/",
        "/manager/openings/{o}/requirements",
        "/manager/openings/{o}/versions",
    ],
    "admin": [
        "/admin/",
        "/admin/openings",
        "/admin/outbox",
        "/admin/privacy",
        "/admin/audit",
        "/recruiter/openings/{o}",
        "/recruiter/applications/{a}",
        "/manager/openings/{o}/requirements",
        "/manager/openings/{o}/versions",
        "/recruiter/needs-review",
        "/recruiter/talent-pool?q=crm",
    ],
}
# Staff GET endpoints that are no page: downloads, JSON.
NOT_PAGES = {
    "recruiter.download",
    "recruiter.export_csv",
    "recruiter.export_xlsx",
    "recruiter.progress",
}
STAFF_BLUEPRINTS = ("recruiter", "manager", "admin", "openings")


def test_the_list_covers_every_staff_page(web) -> None:
    visited = {p.split("?")[0] for pages in PAGES.values() for p in pages}
    missing = []
    for rule in web.url_map.iter_rules():
        endpoint = rule.endpoint
        if "GET" not in (rule.methods or set()) or endpoint in NOT_PAGES:
            continue
        if endpoint.split(".")[0] not in STAFF_BLUEPRINTS:
            continue
        path = (
            rule.rule.replace("<int:opening_id>", "{o}")
            .replace("<int:application_id>", "{a}")
            .replace("<int:version>", "{v}")
        )
        if path not in visited:
            missing.append(rule.rule)
    assert not missing, f"staff pages the 390 px test does not visit: {missing}"


def _data(session):
    users = {
        role: f.staff(session, role, email=f"{role}@example.com", name=LONG_NAME)
        for role in ("recruiter", "hiring_manager", "admin")
    }
    o = f.opening(
        session,
        users["recruiter"],
        users["hiring_manager"],
        title="Key Account Manager - clienți corporativi, telecomunicații și servicii financiare",
    )
    best = f.read_application(session, o, LONG_NAME, {**STRONG, "client_portfolio": "portofoliu"})
    best.candidate.email = LONG_EMAIL
    f.read_application(session, o, "Bogdan Ionescu", STRONG, typo=True)
    f.read_application(session, o, "Carmen Dinu", {"crm": "CRM"}, sales_months=4)
    broken = f.read_application(session, o, "Dan Stan", {"crm": "CRM"})
    document = broken.documents[-1]
    document.status, document.error_code = "error", "encrypted"
    document.error_message = "This PDF is protected by a password."
    document.text = document.profile = None
    review.add_note(session, best, LONG_NOTE, users["recruiter"])
    criteria = services.current_profile(session, o).criteria
    criteria["criteria"][0]["weight"] = 9.5
    requirements.save_version(session, o, criteria, users["hiring_manager"], LONG_NOTE)
    outbox.queue_email(
        session, best, "received", sender="hr@example.ro", status_link=f"{LONG_NOTE}/{'x' * 40}"
    )
    session.commit()
    return users, o, best


# The page's width, the window's, and the innermost elements that stick out (for the message).
MEASURE = """() => {
  const root = document.documentElement, limit = root.clientWidth;
  const out = [...document.querySelectorAll("main *, header *")]
    .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > limit + 0.5))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""));
  return [root.scrollWidth, limit, out];
}"""


def _widths(page, url: str) -> tuple[int, int, list[str]]:
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate(MEASURE)


def test_staff_pages_fit_a_phone_and_a_desktop(server, session) -> None:
    users, o, best = _data(session)
    ids = {"o": o.id, "a": best.id, "v": 1}
    too_wide = []
    for role, paths in PAGES.items():
        with browser_page(viewport=PHONE) as (page, problems):
            page.goto(f"{server}/auth/sign-in")
            page.get_by_label("E-mail").fill(users[role].email)
            page.get_by_label("Password").fill(f.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "sign-in" not in url)
            for path in paths:
                url = server + path.format(**ids)
                for size in (PHONE, DESKTOP):
                    page.set_viewport_size(size)
                    scroll, client, culprits = _widths(page, url)
                    if scroll > size["width"] or scroll > client:
                        too_wide.append(f"{role} {path} at {size['width']}: {scroll} px {culprits}")
                    if size is PHONE and role == "recruiter" and "applications" in path:
                        shot(page, "14-candidate-390px", full_page=False)
            assert not problems, f"script errors or CSP violations: {problems}"
    assert not too_wide, "pages wider than the window:\n" + "\n".join(too_wide)
