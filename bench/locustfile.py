"""The users of the load test (``bench/load.py`` runs this file with Locust, headless): case officers browsing
and searching lists and files and exporting, coordinators publishing, committee members voting, one annual
report built, and calendar clients polling their feeds. Each signs in as its own account, as staff would.

The plan (accounts, record ids, pages) is the JSON file named by ``OBSERVATORY_LOAD_PLAN``, written by
``bench/load.py`` after loading the data. Every request is named by its page, not its address, so that the
figures group by page; the bare page is requested by every signed-in user, as the measure of the same load.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["OBSERVATORY_LOAD_PLAN"], encoding="utf-8").read())
ACCOUNTS = {role: itertools.cycle(emails) for role, emails in PLAN["accounts"].items()}
ACTIONS_TO_PUBLISH = list(PLAN["actions_to_publish"])
REQUESTS_TO_VOTE = PLAN["requests_to_vote"]
FEEDS = itertools.cycle(PLAN["feeds"])
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')
JOB_SECONDS = 600  # a job not finished by then is reported as an error
REFUSED = 422  # a rule's answer on the form (a vote on a decided request, an action not ready): not an error
annual_report_started = False


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1) or found.group(2)


class Staff(HttpUser):
    """A signed-in member of staff; subclasses say which role and what they do."""

    abstract = True
    role = ""
    wait_time = between(1, 3)  # reading a page before the next

    def on_start(self) -> None:
        self.email = next(ACCOUNTS[self.role])
        page = self.client.get("/login", name="login page")
        with self.client.post("/login", name="sign in", allow_redirects=False, catch_response=True, data={
                "csrf_token": csrf_token(page.text), "email": self.email, "password": PLAN["password"]}) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in of {self.email} answered {answer.status_code}")

    def page(self, name: str, path: str) -> str:
        return self.client.get(path, name=name).text

    def post_form(self, name: str, form_page: str, path: str, data: dict, expected=(302,)):
        """Post ``data`` with the CSRF token of ``form_page``, as the browser would; a status other than
        ``expected`` is a failure."""
        token = csrf_token(self.client.get(form_page, name=f"{name} (form)").text)
        with self.client.post(path, name=name, data={"csrf_token": token, **data}, allow_redirects=False,
                              catch_response=True) as answer:
            if answer.status_code not in expected:
                answer.failure(f"{name} answered {answer.status_code}")
            return answer

    def wait_for_job(self, kind: str, location: str) -> None:
        """Poll the job's status as its page's script does, and report the job's whole time as one sample."""
        job_id = int(re.search(r"/jobs/(\d+)", location).group(1))
        started = time.perf_counter()
        state = "queued"
        while time.perf_counter() - started < JOB_SECONDS:
            state = self.client.get(f"/jobs/{job_id}/status", name="job status").json()["status"]
            if state in ("finished", "failed"):
                break
            time.sleep(2)
        elapsed = (time.perf_counter() - started) * 1000
        error = None if state == "finished" else RuntimeError(f"job {job_id} ended {state}")
        events.request.fire(request_type="JOB", name=kind, response_time=elapsed, response_length=0,
                            exception=error, context={})
        if state == "finished":
            self.client.get(f"/jobs/{job_id}/download", name=f"{kind} download")

    @task(2)
    def bare(self) -> None:
        self.client.get(PLAN["bare"], name="bare page")


class CaseOfficer(Staff):
    """Browses and searches the lists, opens files, now and then exports a list."""

    role = "case_officer"
    weight = 12

    @task(10)
    def lists(self) -> None:
        name, path = random.choice(list(PLAN["pages"].items()))
        self.page(name, path)

    @task(4)
    def defender_file(self) -> None:
        self.page("defender file", f"/defenders/{random.choice(PLAN['defenders'])}")

    @task(3)
    def case_file(self) -> None:
        if PLAN["cases"]:
            self.page("case file", f"/interventions/{random.choice(PLAN['cases'])}")

    @task(2)
    def search(self) -> None:
        self.page("search", f"/search?q={random.choice(PLAN['words'])}")

    @task(1)
    def export(self) -> None:
        if random.random() < 0.1:  # about one export for every 100 pages an officer opens
            answer = self.post_form("export of defenders", "/defenders/?risk=high", "/defenders/export",
                                    {"format": random.choice(("csv", "xlsx")), "risk": "high"})
            if answer.status_code == 302:
                self.wait_for_job("job: export of defenders", answer.headers["Location"])


class Coordinator(Staff):
    """Approves and publishes the actions waiting for review, reads the dashboard; one of them builds the annual
    report once."""

    role = "coordinator"
    weight = 2

    @task(3)
    def publish(self) -> None:
        if not ACTIONS_TO_PUBLISH:
            self.page("dashboard", "/")
            return
        action = ACTIONS_TO_PUBLISH.pop()
        page = f"/interventions/actions/{action}"
        for step in ("approve", "publish"):
            answer = self.post_form(f"action {step}", page, f"{page}/step", {"step": step}, expected=(302, REFUSED))
            if answer.status_code != 302:
                break
        self.page("action page", page)

    @task(2)
    def dashboard(self) -> None:
        self.page("dashboard", "/")

    @task(1)
    def annual_report(self) -> None:
        global annual_report_started
        if annual_report_started:
            return
        annual_report_started = True
        year = PLAN["year"]
        answer = self.post_form("annual report build", f"/publications/annual/?year={year}",
                                f"/publications/annual/{year}/build", {"language": "en", "format": "pdf"})
        if answer.status_code == 302:
            self.wait_for_job("job: annual report", answer.headers["Location"])


class CommitteeMember(Staff):
    """Reads the committee's page and the requests before it, and votes."""

    role = "committee"
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        self.to_vote = list(REQUESTS_TO_VOTE)
        random.shuffle(self.to_vote)

    @task(3)
    def committee(self) -> None:
        self.page("committee page", "/assistance/committee")

    @task(1)
    def requests(self) -> None:
        self.page("grant requests", "/assistance/")

    @task(2)
    def vote(self) -> None:
        if not self.to_vote:
            return
        request = self.to_vote.pop()
        page = f"/assistance/{request}"
        self.post_form("vote", page, f"{page}/vote", {"choice": random.choice(("approve", "approve", "reject"))},
                       expected=(302, REFUSED))
        self.page("grant request page", page)


class CalendarClient(HttpUser):
    """A calendar application polling a user's feed, sending back the validators it was given."""

    weight = 3
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.feed, self.etag = next(FEEDS), None

    @task
    def poll(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        with self.client.get(f"/calendar/{self.feed}.ics", name="calendar feed", headers=headers,
                             catch_response=True) as answer:
            if answer.status_code == 200:
                self.etag = answer.headers.get("ETag")
            elif answer.status_code == 304:
                answer.success()
            else:
                answer.failure(f"feed answered {answer.status_code}")
