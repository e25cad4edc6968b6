@EC
Feature: Edge cases
  What happens when time, input, infrastructure or other users get in the way

  @EC-1 @FR-004 @SC-003
  Scenario: A token that expired between sign-in and use
    Given user123 signed in 20 minutes ago with a 15-minute token
    When user123 lists their tasks
    Then the response status is 401
    And the error message mentions "expired"

  @EC-2 @FR-007 @SC-008 @FR-015
  Scenario: Creating a task without a title
    When user123 creates a task with:
      """
      {"description": "Milk, eggs, bread"}
      """
    Then the response status is 422
    And the error names the field "title"
    And user123 has no tasks

  @EC-2 @FR-007 @SC-008
  Scenario Outline: Updating a task with no usable title
    Given user123 has task 42 "Buy groceries"
    When user123 updates task 42 with:
      """
      <body>
      """
    Then the response status is 422
    And the error is a list of problems with readable messages
    And user123's task "Buy groceries" is unchanged

    Examples:
      | body             |
      | {"title": ""}    |
      | {"title": "   "} |
      | {"title": 42}    |
      | {}               |

  @EC-3 @FR-007 @FR-008 @SC-008
  Scenario Outline: A title or description that is too long
    When user123 creates a task whose <field> is <length> characters long
    Then the response status is 422
    And the error names the field "<field>"
    And user123 has no tasks

    Examples:
      | field       | length |
      | title       | 201    |
      | description | 1001   |

  @EC-3 @FR-007 @FR-008
  Scenario Outline: A title or description of exactly the maximum length is accepted
    When user123 creates a task whose <field> is <length> characters long
    Then the response status is 201
    And the task's <field> is <length> characters long

    Examples:
      | field       | length |
      | title       | 200    |
      | description | 1000   |

  @EC-3 @FR-008 @SC-008
  Scenario: Updating a description beyond 1000 characters
    Given user123 has task 42 "Buy groceries"
    When user123 sets the description of task 42 to 1001 characters
    Then the response status is 422
    And the error names the field "description"
    And user123's task "Buy groceries" is unchanged

  @EC-4 @FR-015 @FR-016 @own-stack
  Scenario: The database cannot be reached
    Given the database cannot be reached
    When user123 lists their tasks
    Then the response status is 503
    And the error message mentions "unavailable"
    And the response reveals nothing internal
    And the readiness probe answers 503

  @EC-4 @FR-016 @own-stack
  Scenario: Writes fail cleanly while the database cannot be reached
    Given the database cannot be reached
    When user123 creates a task "Buy groceries"
    Then the response status is 503
    And the response reveals nothing internal

  @EC-5 @FR-004 @FR-016 @SC-003
  Scenario Outline: A corrupted or tampered token gets no validation detail back
    Given user123 holds a "<kind>" token
    When user123 lists their tasks
    Then the response status is 401
    And the error message gives no validation detail

    Examples:
      | kind     |
      | tampered |
      | garbage  |
      | alg none |

  @EC-5 @SC-009 @FR-017 @own-stack
  Scenario: A tampered token is logged as a security event
    Given user123 holds a "tampered" token
    And the server's logs are watched
    When user123 lists their tasks
    Then the response status is 401
    And a security event "authentication_failed" was logged for the request
    And no log line contains the token or the secret

  @EC-6 @SC-004 @SC-007
  Scenario: Two people update the same task at the same moment
    Given user123 has task 42 "Buy groceries"
    When user123 sends 10 different titles to task 42 at the same time
    Then every one of those requests succeeded
    And task 42 has exactly one of the titles sent and was not otherwise changed
    And user123's list holds exactly one task

  @EC-6 @SC-004
  Scenario: Many toggles at the same moment are all counted
    Given user123 has task 42 "Buy groceries"
    When user123 toggles task 42 9 times at the same time
    Then every one of those requests succeeded
    And task 42 is completed

  @EC-7 @FR-003 @FR-005 @SC-002
  Scenario Outline: A token for user456 on user123's path is refused before any work
    Given user123 has task 42 "Buy groceries"
    And user456 is signed in
    When user456 tries to <action> task 42 of user123
    Then the response status is 403
    And user123's task "Buy groceries" is unchanged
    And user123's list holds exactly "Buy groceries"

    Examples:
      | action |
      | list   |
      | create |
      | read   |
      | update |
      | toggle |
      | delete |

  @EC-7 @FR-003
  Scenario: The path check comes before the body is even looked at
    Given user456 is signed in
    When user456 creates a task in user123's list with:
      """
      {"title": ""}
      """
    Then the response status is 403
    And user123 has no tasks

  @EC-8 @FR-013
  Scenario: A user with thousands of tasks still gets them all
    Given user123 has 2500 tasks
    And user456 has a task "Walk the dog"
    When user123 lists their tasks
    Then the response status is 200
    And the response holds 2500 tasks, each once, all owned by user123
