"""A staff member in a real headless Chromium: signs in with a login link, reads the dashboard,
acknowledges and resolves a case (and the cadre's Telegram chat in the sandbox shows it), uploads
a roster with bad rows and reads them by row number; every page is photographed at 390×844 and
1280×800 into tests/web/screenshots/."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web
from conftest import login_link
from factories import graduate

from yulu.core.config import SANDBOX_TOKEN
from yulu.core.i18n import get_translator
from yulu.sandbox import BotApiSandbox
from yulu.services import cases, places
from yulu.services.context import Runtime
from yulu.services.demo import demo_id_number, load_demo
from yulu.services.outbox import OutboxSender, sender_config
from yulu.storage.models import CaseReason
from yulu.storage.people import cadre_by_user
from yulu.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = Path(__file__).parent / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
T = TypeVar("T")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
        reason="chromium/chromedriver not installed (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture
def backend() -> str:
    """The browser journeys run on SQLite; the security tests cover both backends."""
    return "sqlite"


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """A blocking Selenium call off the event loop (the console and sandbox serve meanwhile)."""
    return await asyncio.to_thread(function, *args)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=390,844", "--lang=zh-CN", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(flag)
    driver = await off_loop(webdriver.Chrome, options, Service(CHROMEDRIVER))
    yield driver
    await off_loop(driver.quit)


@pytest.fixture
async def sandbox_bot(sandbox: BotApiSandbox) -> AsyncIterator[Any]:
    from yulu.bot.app import create_bot

    bot = create_bot(SANDBOX_TOKEN, sandbox.url)
    yield bot
    await bot.session.close()


@pytest.fixture
async def console_url(runtime: Runtime, sandbox_bot: Any) -> AsyncIterator[str]:
    """The console on a free port, as `yulu run --demo` serves it (editing Telegram's alerts)."""
    from yulu.bot.editing import TelegramCaseMessages

    editor = TelegramCaseMessages(sandbox_bot, get_translator())
    runner = web.AppRunner(create_app(runtime, demo=True, case_messages=editor))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


@pytest.fixture
async def delivered(runtime: Runtime, sandbox_bot: Any) -> AsyncIterator[None]:
    """The outbox sender delivering to the sandbox, as in `yulu run`."""
    from yulu.bot.delivery import TelegramTransport

    transport = TelegramTransport(sandbox_bot, get_translator())
    sender = OutboxSender(runtime.session_factory, transport, sender_config(runtime.settings))
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    yield
    stop.set()
    await task


async def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return await off_loop(WebDriverWait(driver, timeout).until, condition)


def text_of(selector: str) -> Callable[[Any], str]:
    script = (
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText).join('\\n');"
    )
    return lambda driver: driver.execute_script(script, selector)


async def shoot(driver: Any, name: str) -> None:
    """The current page at both sizes."""
    SHOTS.mkdir(exist_ok=True)
    for label, (width, height) in SIZES.items():
        await viewport(driver, width, height)
        await off_loop(driver.save_screenshot, str(SHOTS / f"{name}-{label}.png"))
    await viewport(driver, *SIZES["phone"])


async def viewport(driver: Any, width: int, height: int) -> None:
    """Exactly this viewport (a phone's is a mobile one), whatever the window's chrome takes."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
    await off_loop(driver.execute_cdp_cmd, "Emulation.setDeviceMetricsOverride", metrics)


async def click(driver: Any, css: str) -> None:
    from selenium.webdriver.common.by import By

    element = await off_loop(driver.find_element, By.CSS_SELECTOR, css)
    await off_loop(element.click)


async def open_case_for_demo_cadre(runtime: Runtime) -> int:
    """A graduate of the demo cadre 王书记 who lost their job: the case alerts his chat."""
    async with runtime.session_factory.begin() as session:
        cadre = await cadre_by_user(session, 2001)
        region = await places.region_for(session, places.county("隆回"))
        person = graduate(runtime.cipher, user_id=1001, region_id=region.id, cadre_id=cadre.id,
                          name="李小红")  # fmt: skip
        session.add(person)
        await session.flush()
        case = await cases.open_case(
            session, runtime.cipher, get_translator(), person, CaseReason.LOST_JOB, actor="test"
        )
        return case.id


async def seed_check_ins(runtime: Runtime) -> None:
    """Six months of answers from the demo county, so the trend chart has lines to draw."""
    from datetime import UTC, datetime

    from yulu.storage.models import CheckIn, EmploymentStatus, Graduate
    from yulu.web.pages.dashboard import last_months

    async with runtime.session_factory.begin() as session:
        region = await places.region_for(session, places.county("隆回"))
        people = [graduate(runtime.cipher, user_id=3000 + i, region_id=region.id, cadre_id=None,
                           name=f"学生{i}") for i in range(10)]  # fmt: skip
        session.add_all(people)
        await session.flush()
        now = datetime.now(UTC)
        for month, period in enumerate(last_months(datetime.now().date())):
            for i, person in enumerate(people):
                answered = i < 6 + month % 3
                working = i < 3 + month
                status = EmploymentStatus.EMPLOYED if working else EmploymentStatus.SEEKING
                session.add(CheckIn(graduate_id=person.id, period=period, asked_at=now,
                                    answered_at=now if answered else None,
                                    status=status if answered else None))  # fmt: skip
        assert isinstance(people[0], Graduate)


async def test_staff_journeys_in_the_browser(
    browser: Any,
    runtime: Runtime,
    sandbox: BotApiSandbox,
    console_url: str,
    delivered: None,
    tmp_path: Path,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    await load_demo(runtime)
    case_id = await open_case_for_demo_cadre(runtime)
    await seed_check_ins(runtime)
    await viewport(browser, *SIZES["phone"])

    # Sign in with a one-time link (as `yulu web login-link 13900000001` prints it).
    await off_loop(browser.get, console_url + "/login")
    await shoot(browser, "01-login")
    token = await login_link(runtime, "13900000001")
    await off_loop(browser.get, f"{console_url}/login/link/{token}")
    await shoot(browser, "02-login-link")
    await click(browser, "#link-login")
    await wait_for(browser, lambda d: "王书记" in text_of(".who")(d))
    assert await off_loop(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chart")), "a chart"
    await shoot(browser, "03-dashboard-cadre")

    # The inbox: acknowledge, then resolve.
    await off_loop(browser.get, console_url + "/cases")
    await wait_for(browser, lambda d: f"#{case_id} 李小红" in text_of("#case-list")(d))
    await shoot(browser, "04-cases")
    await click(browser, f'a[href="/cases/{case_id}"]')
    await wait_for(browser, lambda d: d.find_elements(By.ID, "ack"))
    await shoot(browser, "05-case-open")
    await click(browser, "#ack")
    await wait_for(browser, lambda d: text_of("#case-status")(d) == "已受理")
    await off_loop(Select(browser.find_element(By.ID, "outcome")).select_by_value, "employed")
    await click(browser, "#resolve")
    await wait_for(browser, lambda d: text_of("#case-status")(d) == "已办结")
    assert "王书记\t办结\t已就业" in text_of("#case-history")(browser)
    await shoot(browser, "06-case-resolved")

    # The cadre's Telegram chat (the sandbox page, as 王书记) shows what the web did.
    await off_loop(browser.get, sandbox.url + "/")
    select = await wait_for(browser, lambda d: d.find_element(By.ID, "identity-select"))
    await off_loop(Select(select).select_by_value, "2001")
    await wait_for(browser, lambda d: f"已办结 #{case_id}" in text_of(".msg.bot .text")(d), 15)
    chat = text_of(".msg.bot .text")(browser)
    assert f"帮扶清单 #{case_id}（已办结）" in chat and "工作台" in chat  # the alert was edited
    assert not await off_loop(lambda: browser.find_elements(By.CSS_SELECTOR, ".inline-btn"))
    await shoot(browser, "07-sandbox-cadre-chat")

    # The ledger and a person's page (masked; reveal on the record).
    await off_loop(browser.get, console_url + "/people")
    await wait_for(browser, lambda d: "李小红" in text_of("#people")(d))
    await shoot(browser, "08-people")
    await click(browser, "#people a")
    await wait_for(browser, lambda d: d.find_elements(By.ID, "reveal"))
    assert "135****1001" in text_of("#profile")(browser)
    await shoot(browser, "09-person")
    await click(browser, "#reveal")
    await wait_for(browser, lambda d: "13500001001" in text_of("#profile")(d))
    await shoot(browser, "10-person-revealed")
    await off_loop(browser.get, console_url + "/audit")
    await shoot(browser, "11-audit-refused-for-a-cadre")
    assert "没有权限" in text_of("main")(browser)

    # Sign out; the demo administrator signs in with one click and imports a roster.
    await click(browser, ".who button")
    await wait_for(browser, lambda d: d.find_elements(By.ID, "demo-login"))
    await click(browser, "#demo-login")
    await wait_for(browser, lambda d: "赵主任" in text_of(".who")(d))
    await shoot(browser, "12-dashboard-admin")
    roster = tmp_path / "名单.csv"
    rest = "邵阳职院,护理,{level},2026,隆回,脱贫家庭,否,"
    rows = [
        "姓名,身份证号,手机号,学校,专业,学历层次,毕业年份,户籍地,家庭类型,易地搬迁,帮扶干部手机号",
        f"陈明,{demo_id_number('20060101', 7)},13800138011," + rest.format(level="高职"),
        "坏行,12345,13800138012," + rest.format(level="高职"),  # row 3: ID number too short
        f"刘洋,{demo_id_number('20060202', 8)},13800138013," + rest.format(level="博士"),  # row 4
    ]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    await off_loop(browser.get, console_url + "/import")
    await shoot(browser, "13-import")
    field = await off_loop(browser.find_element, By.ID, "file")
    await off_loop(field.send_keys, str(roster))
    await click(browser, "#upload")
    await wait_for(browser, lambda d: d.find_elements(By.ID, "import-errors"), 20)
    errors = text_of("#import-errors tbody tr")(browser)
    assert [line.split("\t")[0] for line in errors.splitlines()] == ["3", "4"], errors
    assert "身份证号" in errors and "学历层次" in errors
    await shoot(browser, "14-import-report")

    for name, path in (("15-campaigns", "/campaigns"),
                       ("16-campaign-preview", "/campaigns/enrollment?preview=1"),
                       ("17-audit", "/audit"), ("18-cases-admin", "/cases?status=all"),
                       ("19-people-admin", "/people")):  # fmt: skip
        await off_loop(browser.get, console_url + path)
        await wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "main h1"))
        await shoot(browser, name)
