package io.keel.sim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * The trace viewer in a real browser: {@code raft-sim view} writes the page of a known scenario,
 * headless Chromium opens it from disk (nothing else is fetched), and the test checks what is
 * drawn — one lane per node, a leader's band, the partition, message arrows, the livelock where it
 * was caught — and that clicking and stepping show a node's state. Screenshots go to
 * {@code target/viewer-screenshots/}. The system's {@code chromium} and {@code chromedriver} are
 * used (Debian's packages, which {@code .ci/run} installs); without them the test is skipped, except
 * under {@code CI=true}, where a missing browser is a failure.
 */
class TraceViewerBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target", "viewer-screenshots");
  private static final Path PAGES = Path.of("target", "viewer-pages");
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Held, so that its level stays set: Selenium looks for DevTools bindings of this Chromium, which the test does not use. */
  private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

  private static ChromeDriver browser;

  @BeforeAll
  static void startBrowser() throws IOException {
    DEVTOOLS_LOG.setLevel(Level.SEVERE);
    Optional<Path> chromium = onPath("chromium", "chromium-browser");
    Optional<Path> chromedriver = onPath("chromedriver");
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      String missing = "no " + (chromium.isEmpty() ? "chromium" : "chromedriver") + " on the PATH "
          + "(Debian: apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        fail(missing + ": CI installs them (.ci/run), so their absence there is a defect");
      }
      Assumptions.abort(missing + ": the browser test is skipped");
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-extensions", "--disable-sync", "--no-first-run",
        "--window-size=1400,760", "--force-device-scale-factor=1");
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
    Files.createDirectories(PAGES);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void drawsLanesALeaderThePartitionAndArrowsAndShowsANodesStateOnAClick() throws Exception {
    Path page = view("leader-isolated", "5", "--schedule", resource("leader-isolated.schedule"), "--sim-seconds", "3",
        "--protocol", "defaults");
    open(page);
    assertEquals(3, count("#lanes rect.lane"), "one lane per node");
    assertTrue(count("rect.band.role-LEADER") >= 2, "the first leader's band, and the next one's after the cut");
    assertTrue(count("rect.partition-region") >= 1, "the leader cut off, shaded");
    assertTrue(browser.findElement(By.cssSelector("#notice")).getText().contains("zoom in"),
        "too many arrows for the whole run: the page says so");
    for (int i = 0; i < 4 && count("line.arrow") == 0; i++) {
      browser.findElement(By.id("zoom-in")).click();
    }
    assertTrue(count("line.arrow") > 0, "message arrows once zoomed in");

    browser.findElement(By.id("zoom-fit")).click();
    wait.until(driver -> count("line.arrow") == 0);
    WebElement leaderBand = browser.findElements(By.cssSelector("rect.band.role-LEADER")).get(0);
    String node = leaderBand.getAttribute("data-node");
    new Actions(browser).moveToElement(leaderBand).click().perform();
    WebElement state = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("state-panel")));
    assertEquals(node, state.getAttribute("data-node"), "the state of the node clicked");
    assertTrue(Set.of("LEADER", "FOLLOWER", "CANDIDATE", "PRE_CANDIDATE").contains(field("role")), field("role"));
    assertTrue(Long.parseLong(field("term")) >= 1, field("term"));
    assertTrue(Long.parseLong(field("commit")) >= 0, field("commit"));
    assertFalse(field("log").isEmpty());

    String selected = selectedEvent();
    browser.findElement(By.id("step-forward")).click();
    String next = wait.until(driver -> Optional.of(selectedEvent()).filter(e -> !e.equals(selected)).orElse(null));
    assertEquals(Long.parseLong(selected) + 1, Long.parseLong(next), "the next event");
    browser.findElement(By.id("step-back")).click();
    wait.until(driver -> selectedEvent().equals(selected));
    browser.findElement(By.id("zoom-in")).click();
    browser.findElement(By.id("zoom-in")).click(); // around the selected event, as the cut begins
    wait.until(driver -> count("line.arrow.dropped") > 0);
    screenshot("leader-isolated");

    browser.findElement(By.cssSelector("#filters input[data-type='AppendEntries']")).click();
    wait.until(driver -> count("line.msg-AppendEntries") == 0);
    assertTrue(count("line.arrow") > 0, "other messages still drawn");
  }

  @Test
  void marksTheLivelockWhereTheCheckerCaughtIt() throws Exception {
    Path page = view("election-storm", "1", "--schedule", Path.of("..", "docs", "examples", "election-storm.schedule")
        .toString(), "--sim-seconds", "8", "--protocol", "defaults", "--pre-vote", "off", "--check-quorum", "off");
    open(page);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("violation-marker")));
    assertTrue(browser.findElement(By.id("verdict")).getText().startsWith("LIVELOCK: Liveness"),
        browser.findElement(By.id("verdict")).getText());
    assertEquals(0, count("rect.band.role-LEADER"), "no leader in an election storm");
    assertTrue(count("rect.band.role-CANDIDATE") > 10, "term after term of candidates");
    assertTrue(count("line.arrow") > 0, "vote requests and answers drawn");
    assertTrue(browser.findElement(By.id("event-text")).getText().startsWith("LIVELOCK caught"),
        "the page opens on the failure");
    showMessages(false); // a click on an arrow selects the message: hide them to click the band beneath
    WebElement candidate = browser.findElements(By.cssSelector("rect.band.role-CANDIDATE[data-node='2']")).get(8);
    String term = candidate.getAttribute("data-term");
    new Actions(browser).moveToElement(candidate).click().perform();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("state-panel")));
    assertEquals(List.of("2", "CANDIDATE", term, "0"),
        List.of(browser.findElement(By.id("state-panel")).getAttribute("data-node"), field("role"), field("term"),
            field("commit")), "n2 campaigns in the term of the band clicked, and nothing commits in the storm");
    showMessages(true);
    screenshot("election-storm");
  }

  /** Ticks or unticks every message type's filter, and waits for the arrows to follow. */
  private void showMessages(boolean shown) {
    for (WebElement filter : browser.findElements(By.cssSelector("#filters input"))) {
      if (filter.isSelected() != shown) {
        filter.click();
      }
    }
    wait.until(driver -> (count("line.arrow") > 0) == shown);
  }

  private final WebDriverWait wait = new WebDriverWait(browser, WAIT);

  /** Runs {@code raft-sim view} into target/viewer-pages and returns the page it wrote. */
  private static Path view(String name, String... args) {
    Path page = PAGES.resolve(name + ".html");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = SimCommand.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("view"));
    all.addAll(List.of(args));
    all.addAll(List.of("--out", page.toString()));
    assertEquals(0, command.execute(all.toArray(String[]::new)), err.toString());
    assertEquals(page.toAbsolutePath().normalize().toString(), out.toString().lines().findFirst().orElseThrow());
    return page;
  }

  private void open(Path page) {
    browser.get(page.toAbsolutePath().toUri().toString());
    wait.until(driver -> "true".equals(driver.findElement(By.tagName("body")).getAttribute("data-ready")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lanes rect.lane")));
    assertEquals(null, browser.findElement(By.tagName("body")).getAttribute("data-error"));
  }

  private static int count(String css) {
    return browser.findElements(By.cssSelector(css)).size();
  }

  private static String field(String name) {
    return browser.findElement(By.cssSelector("#state-panel [data-field='" + name + "']")).getText();
  }

  private static String selectedEvent() {
    return browser.findElement(By.id("event-panel")).getAttribute("data-event");
  }

  private static void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  private static String resource(String name) throws URISyntaxException {
    return Path.of(TraceViewerBrowserTest.class.getResource("/io/keel/sim/trace/" + name).toURI()).toString();
  }

  private static Optional<Path> onPath(String... names) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        Path candidate = Path.of(directory, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
