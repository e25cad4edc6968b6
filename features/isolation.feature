@isolation
Feature: Every user's tasks are their own
  The path names the user; the token must name the same user, and every query is scoped to
  the token's user, so nobody reads, changes or deletes another user's tasks.

  @FR-003 @FR-005 @EC-7
  Scenario Outline: A token for user456 on user123's path is refused before any work
    Given user123 has task 42 "Buy groceries"
    And user456 is signed in
    When user456 tries to <action> task 42 of user123
    Then the response status is 403
    And user123's tasks are as they were

    Examples:
      | action |
      | list   |
      | create |
      | read   |
      | update |
      | toggle |
      | delete |

  @FR-013 @SC-002
  Scenario: Each user's list holds only their own tasks
    Given user123 has a task "Buy groceries"
    And user456 has a task "Walk the dog"
    When user123 lists their tasks
    Then the list holds exactly "Buy groceries"

  @EC-7 @hardening
  Scenario: The path check comes before the body is even looked at
    Beyond EC-7 (403 before any work): our reference answers 403 before validating the body.
    Given user456 is signed in
    When user456 creates a task in user123's list with:
      """
      {"title": ""}
      """
    Then the response status is 403
    And user123 has no tasks
