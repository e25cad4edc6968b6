@US1
Feature: US1 Create a task
  As a signed-in user
  I want to add tasks to my own list
  So that I can keep track of what I have to do

  @US1-1
  Scenario: A signed-in user creates a task
    Given user123 is signed in
    When user123 creates a task "Buy groceries"
    Then the response status is 201
    And the response is a task titled "Buy groceries" owned by user123
    And the task has a generated id and both timestamps

  @US1-2
  Scenario: Nobody can create a task in another user's list
    Given user123 is signed in
    When user123 creates a task "Buy groceries" in user456's list
    Then the response status is 403
    And user456 has no tasks
    And user123 has no tasks

  @US1-3
  Scenario: Creating a task without a token is refused
    Given user123 is not signed in
    When user123 creates a task "Buy groceries"
    Then the response status is 401
    And user123 has no tasks

  @US1-4
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

  @US1-3 @hardening
  Scenario: The refusal says the token is missing
    Beyond US1-3 (401 only): our reference's message names the missing token.
    Given user123 is not signed in
    When user123 creates a task "Buy groceries"
    Then the error message mentions "token"
