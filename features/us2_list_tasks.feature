@US2
Feature: US2 List my tasks
  As a signed-in user
  I want to see all my tasks, and only mine

  @US2-1
  Scenario: A user sees exactly their own tasks
    Given user123 has the tasks "Buy groceries", "Finish project" and "Call the bank"
    And user456 has a task "Walk the dog"
    When user123 lists their tasks
    Then the response status is 200
    And the response is a JSON array of exactly "Buy groceries", "Finish project" and "Call the bank"

  @US2-2
  Scenario: Nobody can list another user's tasks
    Given user456 has a task "Walk the dog"
    When user123 lists user456's tasks
    Then the response status is 403
    And the response does not mention "Walk the dog"

  @US2-3
  Scenario: A user with no tasks gets an empty list
    Given user123 is signed in
    When user123 lists their tasks
    Then the response status is 200
    And the response is an empty JSON array

  @US2-4
  Scenario: Listing without a token is refused
    Given user123 has a task "Buy groceries"
    And user123 is not signed in
    When user123 lists their tasks
    Then the response status is 401
    And the response does not mention "Buy groceries"

  @SC-001
  Scenario: A new task shows up in its creator's list right away
    Given user123 has a task "Buy groceries"
    When user123 lists their tasks
    Then the list includes "Buy groceries"

  @SC-005
  Scenario: The list stays a plain array when the frontend sends its query parameters
    The hackathon's REST notes give the list optional `status` and `sort` parameters, and the
    answer stays a plain array of tasks (Facts about the real clients, for SC-005).
    Given user123 has a task "Buy groceries"
    When user123 lists their tasks with "status=all&sort=created"
    Then the response status is 200
    And the response is a JSON array including "Buy groceries"

  @US2-4 @hardening
  Scenario: The refusal says the token is missing
    Beyond US2-4 (401 only): our reference's message names the missing token.
    Given user123 is not signed in
    When user123 lists their tasks
    Then the error message mentions "token"

  @SC-005 @hardening
  Scenario Outline: The list can be filtered by status and sorted
    Beyond the spec: our reference filters by `status` and sorts by `title`.
    Given user123 has a task "Buy groceries"
    And user123 has a completed task "Finish project"
    When user123 lists their tasks with "<query>"
    Then the response status is 200
    And the response lists exactly <titles>

    Examples:
      | query            | titles                               |
      | status=all       | "Buy groceries" and "Finish project" |
      | status=pending   | "Buy groceries"                      |
      | status=completed | "Finish project"                     |
      | sort=title       | "Buy groceries" and "Finish project" |
