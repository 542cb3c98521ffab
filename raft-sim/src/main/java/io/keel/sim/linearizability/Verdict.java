package io.keel.sim.linearizability;

/** What the checker concluded about a history, or about one key of it. */
public enum Verdict {
  /** Some order of the operations, consistent with real time, is a legal register history. */
  LINEARIZABLE("linearizable"),
  /** No such order exists; a counterexample says where the search got stuck. */
  NOT_LINEARIZABLE("not_linearizable"),
  /** The search hit its time or memory bound before finishing: this is never a pass. */
  UNKNOWN("unknown"),
  /** The history breaks the format or its rules, so it was not judged. */
  BAD_INPUT("bad_input");

  private final String jsonName;

  Verdict(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in the CLI's JSON output. */
  public String jsonName() {
    return jsonName;
  }
}
