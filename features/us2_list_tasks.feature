@US2
Feature: US2 List my tasks
  As a signed-in user
  I want to see all my tasks, and only mine

  @US2-1 @FR-013 @SC-001 @SC-002
  Scenario: A user sees exactly their own tasks
    Given user123 has the tasks "Buy groceries", "Finish project" and "Call the bank"
    And user456 has a task "Walk the dog"
    When user123 lists their tasks
    Then the response status is 200
    And the response lists exactly "Buy groceries", "Finish project" and "Call the bank"

  @US2-2 @FR-003 @FR-005 @SC-002
  Scenario: Nobody can list another user's tasks
    Given user456 has a task "Walk the dog"
    When user123 lists user456's tasks
    Then the response status is 403
    And the response does not mention "Walk the dog"

  @US2-3
  Scenario: A user with no tasks gets an empty list
    Given user123 has no tasks
    When user123 lists their tasks
    Then the response status is 200
    And the response is an empty list

  @US2-4 @FR-004 @SC-003
  Scenario: Listing without a token is refused
    Given user123 has a task "Buy groceries"
    And user123 is not signed in
    When user123 lists their tasks
    Then the response status is 401
    And the error message mentions "token"
    And the response does not mention "Buy groceries"

  @SC-005
  Scenario Outline: The list can be filtered by status, and stays a plain array
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
