@US1
Feature: US1 Create a task
  As a signed-in user
  I want to add tasks to my own list
  So that I can keep track of what I have to do

  @US1-1 @FR-002 @FR-009 @FR-010 @FR-012 @FR-015 @SC-001
  Scenario: A signed-in user creates a task
    Given user123 is signed in
    When user123 creates a task "Buy groceries"
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123
    And the task has a generated id and both timestamps
    And the task is not completed
    And user123's list holds exactly "Buy groceries"

  @US1-1 @FR-009
  Scenario: Every task gets its own id
    Given user123 has the tasks "Buy groceries", "Buy groceries" and "Finish project"
    Then the tasks of user123 all have different ids

  @US1-2 @FR-003 @FR-005 @SC-002
  Scenario: Nobody can create a task in another user's list
    Given user123 is signed in
    When user123 creates a task "Buy groceries" in user456's list
    Then the response status is 403
    And user456 has no tasks
    And user123 has no tasks

  @US1-3 @FR-004 @SC-003
  Scenario: Creating a task without a token is refused
    Given user123 is not signed in
    When user123 creates a task "Buy groceries"
    Then the response status is 401
    And the error message mentions "token"
    And user123 has no tasks

  @US1-4 @FR-001 @FR-004
  Scenario Outline: Creating a task with an expired or invalid token is refused
    Given user123 holds a "<kind>" token
    When user123 creates a task "Buy groceries"
    Then the response status is 401
    And user123 has no tasks

    Examples:
      | kind         |
      | expired      |
      | tampered     |
      | wrong secret |
      | garbage      |
