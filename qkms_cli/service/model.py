"""AWS KMS request and response shapes, generated from botocore by tools/gen_model.py."""

# Do not edit by hand: run `python tools/gen_model.py PATH/TO/service-2.json[.gz]`.
AWS_OPERATIONS = {
    "CreateKey": {
        "doc": "Creates a unique customer managed KMS key in your Amazon Web Services "
        "account and Region.",
        "input": {
            "Policy": {
                "type": "string",
                "min": 1,
                "max": 131072,
                "pattern": "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                "doc": "The key policy to attach to the KMS key.",
            },
            "Description": {
                "type": "string",
                "min": 0,
                "max": 8192,
                "doc": "A description of the KMS key.",
            },
            "KeyUsage": {
                "type": "string",
                "enum": [
                    "SIGN_VERIFY",
                    "ENCRYPT_DECRYPT",
                    "GENERATE_VERIFY_MAC",
                    "KEY_AGREEMENT",
                    "ENCAPSULATE_DECAPSULATE",
                ],
                "doc": "Determines the cryptographic operations for which you can use the KMS key.",
            },
            "CustomerMasterKeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                ],
                "doc": "Instead, use the KeySpec parameter.",
            },
            "KeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                    "ML_DSA_44",
                    "ML_DSA_65",
                    "ML_DSA_87",
                    "ECC_NIST_EDWARDS25519",
                    "ML_KEM_512",
                    "ML_KEM_768",
                    "ML_KEM_1024",
                ],
                "doc": "Specifies the type of KMS key to create.",
            },
            "Origin": {
                "type": "string",
                "enum": ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
                "doc": "The source of the key material for the KMS key.",
            },
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Creates the KMS key in the specified custom key store.",
            },
            "BypassPolicyLockoutSafetyCheck": {
                "type": "boolean",
                "doc": 'Skips ("bypasses") the key policy lockout safety check.',
            },
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
                "doc": "Assigns one or more tags to the KMS key.",
            },
            "MultiRegion": {
                "type": "boolean",
                "doc": "Creates a multi-Region primary key that you can "
                "replicate into other Amazon Web Services "
                "Regions.",
            },
            "XksKeyId": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "^[a-zA-Z0-9-_.]+$",
                "doc": "Identifies the external key that serves as key "
                "material for the KMS key in an external key store.",
            },
        },
        "required": [],
        "output": {
            "KeyMetadata": {
                "type": "structure",
                "required": ["KeyId"],
                "members": {
                    "AWSAccountId": {"type": "string"},
                    "KeyId": {"type": "string", "min": 1, "max": 2048},
                    "Arn": {"type": "string", "min": 20, "max": 2048},
                    "CreationDate": {"type": "timestamp"},
                    "Enabled": {"type": "boolean"},
                    "Description": {"type": "string", "min": 0, "max": 8192},
                    "KeyUsage": {
                        "type": "string",
                        "enum": [
                            "SIGN_VERIFY",
                            "ENCRYPT_DECRYPT",
                            "GENERATE_VERIFY_MAC",
                            "KEY_AGREEMENT",
                            "ENCAPSULATE_DECAPSULATE",
                        ],
                    },
                    "KeyState": {
                        "type": "string",
                        "enum": [
                            "Creating",
                            "Enabled",
                            "Disabled",
                            "PendingDeletion",
                            "PendingImport",
                            "PendingReplicaDeletion",
                            "Unavailable",
                            "Updating",
                        ],
                    },
                    "DeletionDate": {"type": "timestamp"},
                    "ValidTo": {"type": "timestamp"},
                    "Origin": {
                        "type": "string",
                        "enum": ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
                    },
                    "CustomKeyStoreId": {"type": "string", "min": 1, "max": 64},
                    "CloudHsmClusterId": {
                        "type": "string",
                        "min": 19,
                        "max": 24,
                        "pattern": "cluster-[2-7a-zA-Z]{11,16}",
                    },
                    "ExpirationModel": {
                        "type": "string",
                        "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
                    },
                    "KeyManager": {"type": "string", "enum": ["AWS", "CUSTOMER"]},
                    "CustomerMasterKeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                        ],
                    },
                    "KeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                            "ML_DSA_44",
                            "ML_DSA_65",
                            "ML_DSA_87",
                            "ECC_NIST_EDWARDS25519",
                            "ML_KEM_512",
                            "ML_KEM_768",
                            "ML_KEM_1024",
                        ],
                    },
                    "EncryptionAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "SYMMETRIC_DEFAULT",
                                "RSAES_OAEP_SHA_1",
                                "RSAES_OAEP_SHA_256",
                                "SM2PKE",
                            ],
                        },
                    },
                    "SigningAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "RSASSA_PSS_SHA_256",
                                "RSASSA_PSS_SHA_384",
                                "RSASSA_PSS_SHA_512",
                                "RSASSA_PKCS1_V1_5_SHA_256",
                                "RSASSA_PKCS1_V1_5_SHA_384",
                                "RSASSA_PKCS1_V1_5_SHA_512",
                                "ECDSA_SHA_256",
                                "ECDSA_SHA_384",
                                "ECDSA_SHA_512",
                                "SM2DSA",
                                "ML_DSA_SHAKE_256",
                                "ED25519_SHA_512",
                                "ED25519_PH_SHA_512",
                            ],
                        },
                    },
                    "KeyAgreementAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ECDH"]},
                    },
                    "EncapsulationAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ML_KEM"]},
                    },
                    "MultiRegion": {"type": "boolean"},
                    "MultiRegionConfiguration": {
                        "type": "structure",
                        "required": [],
                        "members": {
                            "MultiRegionKeyType": {
                                "type": "string",
                                "enum": ["PRIMARY", "REPLICA"],
                            },
                            "PrimaryKey": {
                                "type": "structure",
                                "required": [],
                                "members": {
                                    "Arn": {"type": "string", "min": 20, "max": 2048},
                                    "Region": {
                                        "type": "string",
                                        "min": 1,
                                        "max": 32,
                                        "pattern": "^([a-z]+-){2,3}\\d+$",
                                    },
                                },
                            },
                            "ReplicaKeys": {
                                "type": "list",
                                "member": {
                                    "type": "structure",
                                    "required": [],
                                    "members": {
                                        "Arn": {"type": "string", "min": 20, "max": 2048},
                                        "Region": {
                                            "type": "string",
                                            "min": 1,
                                            "max": 32,
                                            "pattern": "^([a-z]+-){2,3}\\d+$",
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "PendingDeletionWindowInDays": {"type": "integer", "min": 1, "max": 365},
                    "MacAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "HMAC_SHA_224",
                                "HMAC_SHA_256",
                                "HMAC_SHA_384",
                                "HMAC_SHA_512",
                            ],
                        },
                    },
                    "XksKeyConfiguration": {
                        "type": "structure",
                        "required": [],
                        "members": {
                            "Id": {
                                "type": "string",
                                "min": 1,
                                "max": 128,
                                "pattern": "^[a-zA-Z0-9-_.]+$",
                            }
                        },
                    },
                    "CurrentKeyMaterialId": {
                        "type": "string",
                        "min": 64,
                        "max": 64,
                        "pattern": "^[a-f0-9]+$",
                    },
                },
            }
        },
        "errors": [
            "MalformedPolicyDocumentException",
            "DependencyTimeoutException",
            "InvalidArnException",
            "UnsupportedOperationException",
            "KMSInternalException",
            "LimitExceededException",
            "TagException",
            "CustomKeyStoreNotFoundException",
            "CustomKeyStoreInvalidStateException",
            "CloudHsmClusterInvalidConfigurationException",
            "XksKeyInvalidConfigurationException",
            "XksKeyAlreadyInUseException",
            "XksKeyNotFoundException",
        ],
    },
    "DescribeKey": {
        "doc": "Provides detailed information about a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Describes the specified KMS key.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyMetadata": {
                "type": "structure",
                "required": ["KeyId"],
                "members": {
                    "AWSAccountId": {"type": "string"},
                    "KeyId": {"type": "string", "min": 1, "max": 2048},
                    "Arn": {"type": "string", "min": 20, "max": 2048},
                    "CreationDate": {"type": "timestamp"},
                    "Enabled": {"type": "boolean"},
                    "Description": {"type": "string", "min": 0, "max": 8192},
                    "KeyUsage": {
                        "type": "string",
                        "enum": [
                            "SIGN_VERIFY",
                            "ENCRYPT_DECRYPT",
                            "GENERATE_VERIFY_MAC",
                            "KEY_AGREEMENT",
                            "ENCAPSULATE_DECAPSULATE",
                        ],
                    },
                    "KeyState": {
                        "type": "string",
                        "enum": [
                            "Creating",
                            "Enabled",
                            "Disabled",
                            "PendingDeletion",
                            "PendingImport",
                            "PendingReplicaDeletion",
                            "Unavailable",
                            "Updating",
                        ],
                    },
                    "DeletionDate": {"type": "timestamp"},
                    "ValidTo": {"type": "timestamp"},
                    "Origin": {
                        "type": "string",
                        "enum": ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
                    },
                    "CustomKeyStoreId": {"type": "string", "min": 1, "max": 64},
                    "CloudHsmClusterId": {
                        "type": "string",
                        "min": 19,
                        "max": 24,
                        "pattern": "cluster-[2-7a-zA-Z]{11,16}",
                    },
                    "ExpirationModel": {
                        "type": "string",
                        "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
                    },
                    "KeyManager": {"type": "string", "enum": ["AWS", "CUSTOMER"]},
                    "CustomerMasterKeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                        ],
                    },
                    "KeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                            "ML_DSA_44",
                            "ML_DSA_65",
                            "ML_DSA_87",
                            "ECC_NIST_EDWARDS25519",
                            "ML_KEM_512",
                            "ML_KEM_768",
                            "ML_KEM_1024",
                        ],
                    },
                    "EncryptionAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "SYMMETRIC_DEFAULT",
                                "RSAES_OAEP_SHA_1",
                                "RSAES_OAEP_SHA_256",
                                "SM2PKE",
                            ],
                        },
                    },
                    "SigningAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "RSASSA_PSS_SHA_256",
                                "RSASSA_PSS_SHA_384",
                                "RSASSA_PSS_SHA_512",
                                "RSASSA_PKCS1_V1_5_SHA_256",
                                "RSASSA_PKCS1_V1_5_SHA_384",
                                "RSASSA_PKCS1_V1_5_SHA_512",
                                "ECDSA_SHA_256",
                                "ECDSA_SHA_384",
                                "ECDSA_SHA_512",
                                "SM2DSA",
                                "ML_DSA_SHAKE_256",
                                "ED25519_SHA_512",
                                "ED25519_PH_SHA_512",
                            ],
                        },
                    },
                    "KeyAgreementAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ECDH"]},
                    },
                    "EncapsulationAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ML_KEM"]},
                    },
                    "MultiRegion": {"type": "boolean"},
                    "MultiRegionConfiguration": {
                        "type": "structure",
                        "required": [],
                        "members": {
                            "MultiRegionKeyType": {
                                "type": "string",
                                "enum": ["PRIMARY", "REPLICA"],
                            },
                            "PrimaryKey": {
                                "type": "structure",
                                "required": [],
                                "members": {
                                    "Arn": {"type": "string", "min": 20, "max": 2048},
                                    "Region": {
                                        "type": "string",
                                        "min": 1,
                                        "max": 32,
                                        "pattern": "^([a-z]+-){2,3}\\d+$",
                                    },
                                },
                            },
                            "ReplicaKeys": {
                                "type": "list",
                                "member": {
                                    "type": "structure",
                                    "required": [],
                                    "members": {
                                        "Arn": {"type": "string", "min": 20, "max": 2048},
                                        "Region": {
                                            "type": "string",
                                            "min": 1,
                                            "max": 32,
                                            "pattern": "^([a-z]+-){2,3}\\d+$",
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "PendingDeletionWindowInDays": {"type": "integer", "min": 1, "max": 365},
                    "MacAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "HMAC_SHA_224",
                                "HMAC_SHA_256",
                                "HMAC_SHA_384",
                                "HMAC_SHA_512",
                            ],
                        },
                    },
                    "XksKeyConfiguration": {
                        "type": "structure",
                        "required": [],
                        "members": {
                            "Id": {
                                "type": "string",
                                "min": 1,
                                "max": 128,
                                "pattern": "^[a-zA-Z0-9-_.]+$",
                            }
                        },
                    },
                    "CurrentKeyMaterialId": {
                        "type": "string",
                        "min": 64,
                        "max": 64,
                        "pattern": "^[a-f0-9]+$",
                    },
                },
            }
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
        ],
    },
    "ListKeys": {
        "doc": "Gets a list of all KMS keys in the caller's Amazon Web Services account and "
        "Region.",
        "input": {
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request after you "
                "receive a response with truncated results.",
            },
            "ResourceOwners": {
                "type": "list",
                "min": 1,
                "max": 2,
                "member": {"type": "string", "enum": ["SELF", "OTHER_ACCOUNTS_VIA_RAM"]},
                "doc": "Specifies whose KMS keys to list.",
            },
        },
        "required": [],
        "output": {
            "Keys": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "KeyId": {"type": "string", "min": 1, "max": 2048},
                        "KeyArn": {"type": "string", "min": 20, "max": 2048},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": ["DependencyTimeoutException", "KMSInternalException", "InvalidMarkerException"],
    },
    "EnableKey": {
        "doc": "Sets the key state of a KMS key to enabled.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to enable.",
            }
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "DisableKey": {
        "doc": "Sets the state of a KMS key to disabled.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to disable.",
            }
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "ScheduleKeyDeletion": {
        "doc": "Schedules the deletion of a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The unique identifier of the KMS key to delete.",
            },
            "PendingWindowInDays": {
                "type": "integer",
                "min": 1,
                "max": 365,
                "doc": "The waiting period, specified in number of days.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "DeletionDate": {"type": "timestamp"},
            "KeyState": {
                "type": "string",
                "enum": [
                    "Creating",
                    "Enabled",
                    "Disabled",
                    "PendingDeletion",
                    "PendingImport",
                    "PendingReplicaDeletion",
                    "Unavailable",
                    "Updating",
                ],
            },
            "PendingWindowInDays": {"type": "integer", "min": 1, "max": 365},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "CancelKeyDeletion": {
        "doc": "Cancels the deletion of a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key whose deletion is being canceled.",
            }
        },
        "required": ["KeyId"],
        "output": {"KeyId": {"type": "string", "min": 1, "max": 2048}},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "UpdateKeyDescription": {
        "doc": "Updates the description of a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Updates the description of the specified KMS key.",
            },
            "Description": {
                "type": "string",
                "min": 0,
                "max": 8192,
                "doc": "New description for the KMS key.",
            },
        },
        "required": ["KeyId", "Description"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "CreateAlias": {
        "doc": "Creates a friendly name for a KMS key.",
        "input": {
            "AliasName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "Specifies the alias name.",
            },
            "TargetKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Associates the alias with the specified customer managed key.",
            },
        },
        "required": ["AliasName", "TargetKeyId"],
        "output": {},
        "errors": [
            "DependencyTimeoutException",
            "AlreadyExistsException",
            "NotFoundException",
            "InvalidAliasNameException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "UpdateAlias": {
        "doc": "Associates an existing KMS alias with a different KMS key.",
        "input": {
            "AliasName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "Identifies the alias that is changing its KMS key.",
            },
            "TargetKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the customer managed key to associate with the alias.",
            },
        },
        "required": ["AliasName", "TargetKeyId"],
        "output": {},
        "errors": [
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "DeleteAlias": {
        "doc": "Deletes the specified alias.",
        "input": {
            "AliasName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "The alias to be deleted.",
            }
        },
        "required": ["AliasName"],
        "output": {},
        "errors": [
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "ListAliases": {
        "doc": "Gets a list of aliases in the caller's Amazon Web Services account and region.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Lists only aliases that are associated with the specified KMS key.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request after you "
                "receive a response with truncated results.",
            },
        },
        "required": [],
        "output": {
            "Aliases": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "AliasName": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[a-zA-Z0-9:/_-]+$",
                        },
                        "AliasArn": {"type": "string", "min": 20, "max": 2048},
                        "TargetKeyId": {"type": "string", "min": 1, "max": 2048},
                        "CreationDate": {"type": "timestamp"},
                        "LastUpdatedDate": {"type": "timestamp"},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "DependencyTimeoutException",
            "InvalidMarkerException",
            "KMSInternalException",
            "InvalidArnException",
            "NotFoundException",
        ],
    },
    "Encrypt": {
        "doc": "Encrypts plaintext of up to 4,096 bytes using a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to use in the encryption operation.",
            },
            "Plaintext": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "Data to be encrypted.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context that will be used to encrypt the data.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption algorithm that KMS "
                "will use to encrypt the plaintext message.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "Plaintext"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "Decrypt": {
        "doc": "Decrypts ciphertext that was encrypted by a KMS key using any of the "
        "following operations: Encrypt GenerateDataKey GenerateDataKeyPair "
        "GenerateDataKeyWithoutPlaintext GenerateDataKeyPairWithoutPlaintext You can "
        "use this operation to decrypt ciphertext that was encrypted under a symmetric "
        "encryption ",
        "input": {
            "CiphertextBlob": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "Ciphertext to be decrypted.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context to use when decrypting the data.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the KMS key that KMS uses to decrypt the ciphertext.",
            },
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption algorithm that "
                "will be used to decrypt the ciphertext.",
            },
            "Recipient": {
                "type": "structure",
                "required": [],
                "members": {
                    "KeyEncryptionAlgorithm": {"type": "string", "enum": ["RSAES_OAEP_SHA_256"]},
                    "AttestationDocument": {"type": "blob", "min": 1, "max": 262144},
                },
                "doc": "A signed attestation document from an Amazon Web "
                "Services Nitro enclave or NitroTPM, and the "
                "encryption algorithm to use with the public key in "
                "the attestation document.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
            "DryRunModifiers": {
                "type": "list",
                "member": {"type": "string", "enum": ["IGNORE_CIPHERTEXT"]},
                "doc": "Specifies the modifiers to apply to the dry run operation.",
            },
        },
        "required": ["CiphertextBlob"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "Plaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "EncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
            "CiphertextForRecipient": {"type": "blob", "min": 1, "max": 6144},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidCiphertextException",
            "KeyUnavailableException",
            "IncorrectKeyException",
            "InvalidKeyUsageException",
            "DependencyTimeoutException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "ReEncrypt": {
        "doc": "Decrypts ciphertext and then reencrypts it entirely within KMS.",
        "input": {
            "CiphertextBlob": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "Ciphertext of the data to reencrypt.",
            },
            "SourceEncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context to use to decrypt the ciphertext.",
            },
            "SourceKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the KMS key that KMS will use to "
                "decrypt the ciphertext before it is "
                "re-encrypted.",
            },
            "DestinationKeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "A unique identifier for the KMS key that is used to reencrypt the data.",
            },
            "DestinationEncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies that encryption context to use when the reencrypting the data.",
            },
            "SourceEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption algorithm "
                "that KMS will use to decrypt the "
                "ciphertext before it is "
                "reencrypted.",
            },
            "DestinationEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
                "doc": "Specifies the encryption "
                "algorithm that KMS will use to "
                "reecrypt the data after it has "
                "decrypted it.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
            "DryRunModifiers": {
                "type": "list",
                "member": {"type": "string", "enum": ["IGNORE_CIPHERTEXT"]},
                "doc": "Specifies the modifiers to apply to the dry run operation.",
            },
        },
        "required": ["DestinationKeyId"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "SourceKeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SourceEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
            "DestinationEncryptionAlgorithm": {
                "type": "string",
                "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            },
            "SourceKeyMaterialId": {
                "type": "string",
                "min": 64,
                "max": 64,
                "pattern": "^[a-f0-9]+$",
            },
            "DestinationKeyMaterialId": {
                "type": "string",
                "min": 64,
                "max": 64,
                "pattern": "^[a-f0-9]+$",
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidCiphertextException",
            "KeyUnavailableException",
            "IncorrectKeyException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKey": {
        "doc": "Returns a unique symmetric data key for use outside of KMS.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric encryption KMS key that encrypts the data key.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context that "
                "will be used when encrypting the data "
                "key.",
            },
            "NumberOfBytes": {
                "type": "integer",
                "min": 1,
                "max": 1024,
                "doc": "Specifies the length of the data key in bytes.",
            },
            "KeySpec": {
                "type": "string",
                "enum": ["AES_256", "AES_128"],
                "doc": "Specifies the length of the data key.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "Recipient": {
                "type": "structure",
                "required": [],
                "members": {
                    "KeyEncryptionAlgorithm": {"type": "string", "enum": ["RSAES_OAEP_SHA_256"]},
                    "AttestationDocument": {"type": "blob", "min": 1, "max": 262144},
                },
                "doc": "A signed attestation document from an Amazon "
                "Web Services Nitro enclave or NitroTPM, and "
                "the encryption algorithm to use with the "
                "public key in the attestation document.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "Plaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "CiphertextForRecipient": {"type": "blob", "min": 1, "max": 6144},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKeyWithoutPlaintext": {
        "doc": "Returns a unique symmetric data key for use outside of KMS.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric encryption KMS key that encrypts the data key.",
            },
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the "
                "encryption context "
                "that will be used "
                "when encrypting the "
                "data key.",
            },
            "KeySpec": {
                "type": "string",
                "enum": ["AES_256", "AES_128"],
                "doc": "The length of the data key.",
            },
            "NumberOfBytes": {
                "type": "integer",
                "min": 1,
                "max": 1024,
                "doc": "The length of the data key in bytes.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId"],
        "output": {
            "CiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKeyPair": {
        "doc": "Returns a unique asymmetric data key pair for use outside of KMS.",
        "input": {
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the encryption context "
                "that will be used when encrypting "
                "the private key in the data key "
                "pair.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric encryption KMS key "
                "that encrypts the private key in the data key "
                "pair.",
            },
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                    "ML_KEM_512",
                    "ML_KEM_768",
                    "ML_KEM_1024",
                ],
                "doc": "Determines the type of data key pair that is generated.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "Recipient": {
                "type": "structure",
                "required": [],
                "members": {
                    "KeyEncryptionAlgorithm": {"type": "string", "enum": ["RSAES_OAEP_SHA_256"]},
                    "AttestationDocument": {"type": "blob", "min": 1, "max": 262144},
                },
                "doc": "A signed attestation document from an "
                "Amazon Web Services Nitro enclave or "
                "NitroTPM, and the encryption algorithm to "
                "use with the public key in the "
                "attestation document.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "KeyPairSpec"],
        "output": {
            "PrivateKeyCiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "PrivateKeyPlaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "PublicKey": {"type": "blob", "min": 1, "max": 8192},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                    "ML_KEM_512",
                    "ML_KEM_768",
                    "ML_KEM_1024",
                ],
            },
            "CiphertextForRecipient": {"type": "blob", "min": 1, "max": 6144},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
            "DryRunOperationException",
        ],
    },
    "GenerateDataKeyPairWithoutPlaintext": {
        "doc": "Returns a unique asymmetric data key pair for use outside of KMS.",
        "input": {
            "EncryptionContext": {
                "type": "map",
                "key": {"type": "string"},
                "value": {"type": "string"},
                "doc": "Specifies the "
                "encryption "
                "context that will "
                "be used when "
                "encrypting the "
                "private key in "
                "the data key "
                "pair.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Specifies the symmetric "
                "encryption KMS key that "
                "encrypts the private key in "
                "the data key pair.",
            },
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                    "ML_KEM_512",
                    "ML_KEM_768",
                    "ML_KEM_1024",
                ],
                "doc": "Determines the type of data key pair that is generated.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "KeyPairSpec"],
        "output": {
            "PrivateKeyCiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "PublicKey": {"type": "blob", "min": 1, "max": 8192},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyPairSpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SM2",
                    "ECC_NIST_EDWARDS25519",
                    "ML_KEM_512",
                    "ML_KEM_768",
                    "ML_KEM_1024",
                ],
            },
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
            "DryRunOperationException",
        ],
    },
    "GenerateRandom": {
        "doc": "Returns a random byte string that is cryptographically secure.",
        "input": {
            "NumberOfBytes": {
                "type": "integer",
                "min": 1,
                "max": 1024,
                "doc": "The length of the random byte string.",
            },
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Generates the random byte string in the "
                "CloudHSM cluster that is associated "
                "with the specified CloudHSM key store.",
            },
            "Recipient": {
                "type": "structure",
                "required": [],
                "members": {
                    "KeyEncryptionAlgorithm": {"type": "string", "enum": ["RSAES_OAEP_SHA_256"]},
                    "AttestationDocument": {"type": "blob", "min": 1, "max": 262144},
                },
                "doc": "A signed attestation document from an Amazon "
                "Web Services Nitro enclave or NitroTPM, and "
                "the encryption algorithm to use with the "
                "public key in the attestation document.",
            },
        },
        "required": [],
        "output": {
            "Plaintext": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "CiphertextForRecipient": {"type": "blob", "min": 1, "max": 6144},
        },
        "errors": [
            "DependencyTimeoutException",
            "KMSInternalException",
            "UnsupportedOperationException",
            "CustomKeyStoreNotFoundException",
            "CustomKeyStoreInvalidStateException",
        ],
    },
    "GetPublicKey": {
        "doc": "Returns the public key of an asymmetric KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the asymmetric KMS key that includes the public key.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "PublicKey": {"type": "blob", "min": 1, "max": 8192},
            "CustomerMasterKeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                ],
            },
            "KeySpec": {
                "type": "string",
                "enum": [
                    "RSA_2048",
                    "RSA_3072",
                    "RSA_4096",
                    "ECC_NIST_P256",
                    "ECC_NIST_P384",
                    "ECC_NIST_P521",
                    "ECC_SECG_P256K1",
                    "SYMMETRIC_DEFAULT",
                    "HMAC_224",
                    "HMAC_256",
                    "HMAC_384",
                    "HMAC_512",
                    "SM2",
                    "ML_DSA_44",
                    "ML_DSA_65",
                    "ML_DSA_87",
                    "ECC_NIST_EDWARDS25519",
                    "ML_KEM_512",
                    "ML_KEM_768",
                    "ML_KEM_1024",
                ],
            },
            "KeyUsage": {
                "type": "string",
                "enum": [
                    "SIGN_VERIFY",
                    "ENCRYPT_DECRYPT",
                    "GENERATE_VERIFY_MAC",
                    "KEY_AGREEMENT",
                    "ENCAPSULATE_DECAPSULATE",
                ],
            },
            "EncryptionAlgorithms": {
                "type": "list",
                "member": {
                    "type": "string",
                    "enum": [
                        "SYMMETRIC_DEFAULT",
                        "RSAES_OAEP_SHA_1",
                        "RSAES_OAEP_SHA_256",
                        "SM2PKE",
                    ],
                },
            },
            "SigningAlgorithms": {
                "type": "list",
                "member": {
                    "type": "string",
                    "enum": [
                        "RSASSA_PSS_SHA_256",
                        "RSASSA_PSS_SHA_384",
                        "RSASSA_PSS_SHA_512",
                        "RSASSA_PKCS1_V1_5_SHA_256",
                        "RSASSA_PKCS1_V1_5_SHA_384",
                        "RSASSA_PKCS1_V1_5_SHA_512",
                        "ECDSA_SHA_256",
                        "ECDSA_SHA_384",
                        "ECDSA_SHA_512",
                        "SM2DSA",
                        "ML_DSA_SHAKE_256",
                        "ED25519_SHA_512",
                        "ED25519_PH_SHA_512",
                    ],
                },
            },
            "KeyAgreementAlgorithms": {
                "type": "list",
                "member": {"type": "string", "enum": ["ECDH"]},
            },
            "EncapsulationAlgorithms": {
                "type": "list",
                "member": {"type": "string", "enum": ["ML_KEM"]},
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "UnsupportedOperationException",
            "InvalidArnException",
            "InvalidGrantTokenException",
            "InvalidKeyUsageException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "Sign": {
        "doc": "Creates a digital signature for a message or message digest by using the private "
        "key in an asymmetric signing KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies an asymmetric KMS key.",
            },
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "Specifies the message or message digest to sign.",
            },
            "MessageType": {
                "type": "string",
                "enum": ["RAW", "DIGEST", "EXTERNAL_MU"],
                "doc": "Tells KMS whether the value of the Message parameter "
                "should be hashed as part of the signing algorithm.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
                "doc": "Specifies the signing algorithm to use when signing the message.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "Message", "SigningAlgorithm"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "Signature": {"type": "blob", "min": 1, "max": 6144},
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "Verify": {
        "doc": "Verifies a digital signature that was generated by the Sign operation.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the asymmetric KMS key that will be used to "
                "verify the signature.",
            },
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "Specifies the message that was signed.",
            },
            "MessageType": {
                "type": "string",
                "enum": ["RAW", "DIGEST", "EXTERNAL_MU"],
                "doc": "Tells KMS whether the value of the Message parameter "
                "should be hashed as part of the signing algorithm.",
            },
            "Signature": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "The signature that the Sign operation generated.",
            },
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
                "doc": "The signing algorithm that was used to sign the message.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "Message", "Signature", "SigningAlgorithm"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SignatureValid": {"type": "boolean"},
            "SigningAlgorithm": {
                "type": "string",
                "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "SM2DSA",
                    "ML_DSA_SHAKE_256",
                    "ED25519_SHA_512",
                    "ED25519_PH_SHA_512",
                ],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "KMSInvalidSignatureException",
            "DryRunOperationException",
        ],
    },
    "GenerateMac": {
        "doc": "Generates a hash-based message authentication code (HMAC) for a message "
        "using an HMAC KMS key and a MAC algorithm that the key supports.",
        "input": {
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "The message to be hashed.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The HMAC KMS key to use in the operation.",
            },
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
                "doc": "The MAC algorithm used in the operation.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["Message", "KeyId", "MacAlgorithm"],
        "output": {
            "Mac": {"type": "blob", "min": 1, "max": 6144},
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
            },
            "KeyId": {"type": "string", "min": 1, "max": 2048},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "VerifyMac": {
        "doc": "Verifies the hash-based message authentication code (HMAC) for a specified "
        "message, HMAC KMS key, and MAC algorithm.",
        "input": {
            "Message": {
                "type": "blob",
                "min": 1,
                "max": 4096,
                "sensitive": True,
                "doc": "The message that will be used in the verification.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The KMS key that will be used in the verification.",
            },
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
                "doc": "The MAC algorithm that will be used in the verification.",
            },
            "Mac": {"type": "blob", "min": 1, "max": 6144, "doc": "The HMAC to verify."},
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["Message", "KeyId", "MacAlgorithm", "Mac"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "MacValid": {"type": "boolean"},
            "MacAlgorithm": {
                "type": "string",
                "enum": ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "InvalidKeyUsageException",
            "InvalidGrantTokenException",
            "KMSInternalException",
            "KMSInvalidMacException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "EnableKeyRotation": {
        "doc": "Enables automatic rotation of the key material of the specified "
        "symmetric encryption KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a symmetric encryption KMS key.",
            },
            "RotationPeriodInDays": {
                "type": "integer",
                "min": 90,
                "max": 2560,
                "doc": "Use this parameter to specify a "
                "custom period of time between "
                "each rotation date.",
            },
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "DisableKeyRotation": {
        "doc": "Disables automatic rotation of the key material of the specified "
        "symmetric encryption KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a symmetric encryption KMS key.",
            }
        },
        "required": ["KeyId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "GetKeyRotationStatus": {
        "doc": "Provides detailed information about the rotation status for a "
        "KMS key, including whether automatic rotation of the key "
        "material is enabled for the specified KMS key, the rotation "
        "period, and the next scheduled rotation date.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets the rotation status for the specified KMS key.",
            }
        },
        "required": ["KeyId"],
        "output": {
            "KeyRotationEnabled": {"type": "boolean"},
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "RotationPeriodInDays": {"type": "integer", "min": 90, "max": 2560},
            "NextRotationDate": {"type": "timestamp"},
            "OnDemandRotationStartDate": {"type": "timestamp"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "RotateKeyOnDemand": {
        "doc": "Immediately initiates rotation of the key material of the specified "
        "symmetric encryption KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a symmetric encryption KMS key.",
            }
        },
        "required": ["KeyId"],
        "output": {"KeyId": {"type": "string", "min": 1, "max": 2048}},
        "errors": [
            "NotFoundException",
            "DisabledException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
            "LimitExceededException",
            "ConflictException",
        ],
    },
    "ListKeyRotations": {
        "doc": "Returns information about the key materials associated with the specified KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets the key rotations for the specified KMS key.",
            },
            "IncludeKeyMaterial": {
                "type": "string",
                "enum": ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"],
                "doc": "Use this optional parameter to "
                "control which key materials "
                "associated with this key are listed "
                "in the response.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request "
                "after you receive a response with truncated "
                "results.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "Rotations": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "KeyId": {"type": "string", "min": 1, "max": 2048},
                        "KeyMaterialId": {
                            "type": "string",
                            "min": 64,
                            "max": 64,
                            "pattern": "^[a-f0-9]+$",
                        },
                        "KeyMaterialDescription": {
                            "type": "string",
                            "min": 0,
                            "max": 256,
                            "pattern": "^[a-zA-Z0-9:/_\\s.-]+$",
                        },
                        "ImportState": {"type": "string", "enum": ["IMPORTED", "PENDING_IMPORT"]},
                        "KeyMaterialState": {
                            "type": "string",
                            "enum": [
                                "NON_CURRENT",
                                "CURRENT",
                                "PENDING_ROTATION",
                                "PENDING_MULTI_REGION_IMPORT_AND_ROTATION",
                            ],
                        },
                        "ExpirationModel": {
                            "type": "string",
                            "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
                        },
                        "ValidTo": {"type": "timestamp"},
                        "RotationDate": {"type": "timestamp"},
                        "RotationType": {"type": "string", "enum": ["AUTOMATIC", "ON_DEMAND"]},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "InvalidMarkerException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "UnsupportedOperationException",
        ],
    },
    "TagResource": {
        "doc": "Adds or edits tags on a customer managed key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies a customer managed key in the account and Region.",
            },
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
                "doc": "One or more tags.",
            },
        },
        "required": ["KeyId", "Tags"],
        "output": {},
        "errors": [
            "KMSInternalException",
            "NotFoundException",
            "InvalidArnException",
            "KMSInvalidStateException",
            "LimitExceededException",
            "TagException",
        ],
    },
    "UntagResource": {
        "doc": "Deletes tags from a customer managed key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key from which you are removing tags.",
            },
            "TagKeys": {
                "type": "list",
                "member": {"type": "string", "min": 1, "max": 128},
                "doc": "One or more tag keys.",
            },
        },
        "required": ["KeyId", "TagKeys"],
        "output": {},
        "errors": [
            "KMSInternalException",
            "NotFoundException",
            "InvalidArnException",
            "KMSInvalidStateException",
            "TagException",
        ],
    },
    "ListResourceTags": {
        "doc": "Returns all tags on the specified KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets tags on the specified KMS key.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request "
                "after you receive a response with truncated "
                "results.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "KMSInternalException",
            "NotFoundException",
            "InvalidArnException",
            "InvalidMarkerException",
        ],
    },
    "GetParametersForImport": {
        "doc": "Returns the public key and an import token you need to import "
        "or reimport key material for a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The identifier of the KMS key that will be "
                "associated with the imported key "
                "material.",
            },
            "WrappingAlgorithm": {
                "type": "string",
                "enum": [
                    "RSAES_PKCS1_V1_5",
                    "RSAES_OAEP_SHA_1",
                    "RSAES_OAEP_SHA_256",
                    "RSA_AES_KEY_WRAP_SHA_1",
                    "RSA_AES_KEY_WRAP_SHA_256",
                    "SM2PKE",
                ],
                "doc": "The algorithm you will use "
                "with the RSA public key "
                "(PublicKey) in the response to "
                "protect your key material "
                "during import.",
            },
            "WrappingKeySpec": {
                "type": "string",
                "enum": ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"],
                "doc": "The type of RSA public key to return in the response.",
            },
        },
        "required": ["KeyId", "WrappingAlgorithm", "WrappingKeySpec"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "ImportToken": {"type": "blob", "min": 1, "max": 6144},
            "PublicKey": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "ParametersValidTo": {"type": "timestamp"},
        },
        "errors": [
            "InvalidArnException",
            "UnsupportedOperationException",
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "ImportKeyMaterial": {
        "doc": "Imports or reimports key material into an existing KMS key that was "
        "created without key material.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The identifier of the KMS key that will be "
                "associated with the imported key material.",
            },
            "ImportToken": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "The import token that you received in the "
                "response to a previous "
                "GetParametersForImport request.",
            },
            "EncryptedKeyMaterial": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "The encrypted key material to import.",
            },
            "ValidTo": {
                "type": "timestamp",
                "doc": "The date and time when the imported key material expires.",
            },
            "ExpirationModel": {
                "type": "string",
                "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
                "doc": "Specifies whether the key material expires.",
            },
            "ImportType": {
                "type": "string",
                "enum": ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"],
                "doc": "Indicates whether the key material being "
                "imported is previously associated with "
                "this KMS key or not.",
            },
            "KeyMaterialDescription": {
                "type": "string",
                "min": 0,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_\\s.-]+$",
                "doc": "Description for the key material being imported.",
            },
            "KeyMaterialId": {
                "type": "string",
                "min": 64,
                "max": 64,
                "pattern": "^[a-f0-9]+$",
                "doc": "Identifies the key material being imported.",
            },
        },
        "required": ["KeyId", "ImportToken", "EncryptedKeyMaterial"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyMaterialId": {"type": "string", "min": 64, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "InvalidArnException",
            "UnsupportedOperationException",
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "InvalidCiphertextException",
            "IncorrectKeyMaterialException",
            "ExpiredImportTokenException",
            "InvalidImportTokenException",
        ],
    },
    "DeleteImportedKeyMaterial": {
        "doc": "Deletes key material that was previously imported.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key from which you are deleting imported key material.",
            },
            "KeyMaterialId": {
                "type": "string",
                "min": 64,
                "max": 64,
                "pattern": "^[a-f0-9]+$",
                "doc": "Identifies the imported key material you are deleting.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyMaterialId": {"type": "string", "min": 0, "max": 64, "pattern": "^[a-f0-9]+$"},
        },
        "errors": [
            "InvalidArnException",
            "UnsupportedOperationException",
            "DependencyTimeoutException",
            "NotFoundException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "DeriveSharedSecret": {
        "doc": "Derives a shared secret using a key agreement algorithm.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies an asymmetric NIST-standard ECC or "
                "SM2 (China Regions only) KMS key.",
            },
            "KeyAgreementAlgorithm": {
                "type": "string",
                "enum": ["ECDH"],
                "doc": "Specifies the key agreement algorithm used to derive the shared secret.",
            },
            "PublicKey": {
                "type": "blob",
                "min": 1,
                "max": 8192,
                "doc": "Specifies the public key in your peer's "
                "NIST-standard elliptic curve (ECC) or SM2 "
                "(China Regions only) key pair.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
            "Recipient": {
                "type": "structure",
                "required": [],
                "members": {
                    "KeyEncryptionAlgorithm": {"type": "string", "enum": ["RSAES_OAEP_SHA_256"]},
                    "AttestationDocument": {"type": "blob", "min": 1, "max": 262144},
                },
                "doc": "A signed attestation document from an "
                "Amazon Web Services Nitro enclave or "
                "NitroTPM, and the encryption algorithm to "
                "use with the public key in the attestation "
                "document.",
            },
        },
        "required": ["KeyId", "KeyAgreementAlgorithm", "PublicKey"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SharedSecret": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "CiphertextForRecipient": {"type": "blob", "min": 1, "max": 6144},
            "KeyAgreementAlgorithm": {"type": "string", "enum": ["ECDH"]},
            "KeyOrigin": {
                "type": "string",
                "enum": ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
            },
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidGrantTokenException",
            "InvalidKeyUsageException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "Encapsulate": {
        "doc": "Generates a shared secret and its encapsulated (ciphertext) form using "
        "the public key of an ML-KEM KMS key pair.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies an asymmetric ML-KEM KMS key.",
            },
            "EncapsulationAlgorithm": {
                "type": "string",
                "enum": ["ML_KEM"],
                "doc": "Specifies the key encapsulation "
                "algorithm used to generate the "
                "shared secret and its encapsulated "
                "form.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "EncapsulationAlgorithm"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SharedSecret": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "SharedSecretCiphertextBlob": {"type": "blob", "min": 1, "max": 6144},
            "EncapsulationAlgorithm": {"type": "string", "enum": ["ML_KEM"]},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidGrantTokenException",
            "InvalidKeyUsageException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "Decapsulate": {
        "doc": "Recovers the shared secret that was encapsulated with the public key of "
        "an ML-KEM KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the asymmetric ML-KEM KMS key whose public "
                "key was used to produce the encapsulated shared "
                "secret.",
            },
            "SharedSecretCiphertextBlob": {
                "type": "blob",
                "min": 1,
                "max": 6144,
                "doc": "The encapsulated (ciphertext) form of the shared secret to recover.",
            },
            "EncapsulationAlgorithm": {
                "type": "string",
                "enum": ["ML_KEM"],
                "doc": "Specifies the key encapsulation "
                "algorithm used to recover the shared "
                "secret.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "SharedSecretCiphertextBlob", "EncapsulationAlgorithm"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "SharedSecret": {"type": "blob", "min": 1, "max": 4096, "sensitive": True},
            "EncapsulationAlgorithm": {"type": "string", "enum": ["ML_KEM"]},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "KeyUnavailableException",
            "DependencyTimeoutException",
            "InvalidGrantTokenException",
            "InvalidKeyUsageException",
            "InvalidCiphertextException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "CreateGrant": {
        "doc": "Adds a grant to a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key for the grant.",
            },
            "GranteePrincipal": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[\\w+=,.@:/-]+$",
                "doc": "The identity that gets the permissions specified in the grant.",
            },
            "RetiringPrincipal": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[\\w+=,.@:/-]+$",
                "doc": "The principal that has permission to use "
                "the RetireGrant operation to retire the "
                "grant.",
            },
            "Operations": {
                "type": "list",
                "member": {
                    "type": "string",
                    "enum": [
                        "Decrypt",
                        "Encrypt",
                        "GenerateDataKey",
                        "GenerateDataKeyWithoutPlaintext",
                        "ReEncryptFrom",
                        "ReEncryptTo",
                        "Sign",
                        "Verify",
                        "GetPublicKey",
                        "CreateGrant",
                        "RetireGrant",
                        "DescribeKey",
                        "GenerateDataKeyPair",
                        "GenerateDataKeyPairWithoutPlaintext",
                        "GenerateMac",
                        "VerifyMac",
                        "DeriveSharedSecret",
                        "Encapsulate",
                        "Decapsulate",
                    ],
                },
                "doc": "A list of operations that the grant permits.",
            },
            "Constraints": {
                "type": "structure",
                "required": [],
                "members": {
                    "EncryptionContextSubset": {
                        "type": "map",
                        "key": {"type": "string"},
                        "value": {"type": "string"},
                    },
                    "EncryptionContextEquals": {
                        "type": "map",
                        "key": {"type": "string"},
                        "value": {"type": "string"},
                    },
                    "SourceArn": {
                        "type": "string",
                        "min": 20,
                        "max": 512,
                        "pattern": "^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$",
                    },
                },
                "doc": "Specifies a grant constraint.",
            },
            "GrantTokens": {
                "type": "list",
                "min": 0,
                "max": 10,
                "member": {"type": "string", "min": 1, "max": 8192},
                "doc": "A list of grant tokens.",
            },
            "Name": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "doc": "A friendly name for the grant.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
            "GranteeServicePrincipal": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                "doc": "The Amazon Web Services service "
                "principal that gets the permissions "
                "specified in the grant.",
            },
            "RetiringServicePrincipal": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                "doc": "The Amazon Web Services service "
                "principal that has permission to "
                "use the RetireGrant operation to "
                "retire the grant.",
            },
        },
        "required": ["KeyId", "Operations"],
        "output": {
            "GrantToken": {"type": "string", "min": 1, "max": 8192},
            "GrantId": {"type": "string", "min": 1, "max": 128},
        },
        "errors": [
            "NotFoundException",
            "DisabledException",
            "DependencyTimeoutException",
            "InvalidArnException",
            "KMSInternalException",
            "InvalidGrantTokenException",
            "LimitExceededException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "ListGrants": {
        "doc": "Gets a list of all grants for the specified KMS key.",
        "input": {
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request after you "
                "receive a response with truncated results.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Returns only grants for the specified KMS key.",
            },
            "GrantId": {
                "type": "string",
                "min": 1,
                "max": 128,
                "doc": "Returns only the grant with the specified grant ID.",
            },
            "GranteePrincipal": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[\\w+=,.@:/-]+$",
                "doc": "Returns only grants where the specified "
                "principal is the grantee principal for the "
                "grant.",
            },
            "GranteeServicePrincipal": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                "doc": "Returns only grants where the "
                "specified Amazon Web Services "
                "service principal is the grantee "
                "service principal for the grant.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "Grants": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "KeyId": {"type": "string", "min": 1, "max": 2048},
                        "GrantId": {"type": "string", "min": 1, "max": 128},
                        "Name": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[a-zA-Z0-9:/_-]+$",
                        },
                        "CreationDate": {"type": "timestamp"},
                        "GranteePrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[\\w+=,.@:/-]+$",
                        },
                        "RetiringPrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[\\w+=,.@:/-]+$",
                        },
                        "IssuingAccount": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[\\w+=,.@:/-]+$",
                        },
                        "Operations": {
                            "type": "list",
                            "member": {
                                "type": "string",
                                "enum": [
                                    "Decrypt",
                                    "Encrypt",
                                    "GenerateDataKey",
                                    "GenerateDataKeyWithoutPlaintext",
                                    "ReEncryptFrom",
                                    "ReEncryptTo",
                                    "Sign",
                                    "Verify",
                                    "GetPublicKey",
                                    "CreateGrant",
                                    "RetireGrant",
                                    "DescribeKey",
                                    "GenerateDataKeyPair",
                                    "GenerateDataKeyPairWithoutPlaintext",
                                    "GenerateMac",
                                    "VerifyMac",
                                    "DeriveSharedSecret",
                                    "Encapsulate",
                                    "Decapsulate",
                                ],
                            },
                        },
                        "Constraints": {
                            "type": "structure",
                            "required": [],
                            "members": {
                                "EncryptionContextSubset": {
                                    "type": "map",
                                    "key": {"type": "string"},
                                    "value": {"type": "string"},
                                },
                                "EncryptionContextEquals": {
                                    "type": "map",
                                    "key": {"type": "string"},
                                    "value": {"type": "string"},
                                },
                                "SourceArn": {
                                    "type": "string",
                                    "min": 20,
                                    "max": 512,
                                    "pattern": "^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$",
                                },
                            },
                        },
                        "GranteeServicePrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 128,
                            "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                        },
                        "RetiringServicePrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 128,
                            "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                        },
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "NotFoundException",
            "DependencyTimeoutException",
            "InvalidMarkerException",
            "InvalidGrantIdException",
            "InvalidArnException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "ListRetirableGrants": {
        "doc": "Returns information about all grants in the Amazon Web Services "
        "account and Region that have the specified retiring principal or "
        "retiring service principal.",
        "input": {
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request "
                "after you receive a response with truncated "
                "results.",
            },
            "RetiringPrincipal": {
                "type": "string",
                "min": 1,
                "max": 256,
                "pattern": "^[\\w+=,.@:/-]+$",
                "doc": "The retiring principal for which to list grants.",
            },
            "RetiringServicePrincipal": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                "doc": "The retiring service principal for which to list grants.",
            },
        },
        "required": [],
        "output": {
            "Grants": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "KeyId": {"type": "string", "min": 1, "max": 2048},
                        "GrantId": {"type": "string", "min": 1, "max": 128},
                        "Name": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[a-zA-Z0-9:/_-]+$",
                        },
                        "CreationDate": {"type": "timestamp"},
                        "GranteePrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[\\w+=,.@:/-]+$",
                        },
                        "RetiringPrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[\\w+=,.@:/-]+$",
                        },
                        "IssuingAccount": {
                            "type": "string",
                            "min": 1,
                            "max": 256,
                            "pattern": "^[\\w+=,.@:/-]+$",
                        },
                        "Operations": {
                            "type": "list",
                            "member": {
                                "type": "string",
                                "enum": [
                                    "Decrypt",
                                    "Encrypt",
                                    "GenerateDataKey",
                                    "GenerateDataKeyWithoutPlaintext",
                                    "ReEncryptFrom",
                                    "ReEncryptTo",
                                    "Sign",
                                    "Verify",
                                    "GetPublicKey",
                                    "CreateGrant",
                                    "RetireGrant",
                                    "DescribeKey",
                                    "GenerateDataKeyPair",
                                    "GenerateDataKeyPairWithoutPlaintext",
                                    "GenerateMac",
                                    "VerifyMac",
                                    "DeriveSharedSecret",
                                    "Encapsulate",
                                    "Decapsulate",
                                ],
                            },
                        },
                        "Constraints": {
                            "type": "structure",
                            "required": [],
                            "members": {
                                "EncryptionContextSubset": {
                                    "type": "map",
                                    "key": {"type": "string"},
                                    "value": {"type": "string"},
                                },
                                "EncryptionContextEquals": {
                                    "type": "map",
                                    "key": {"type": "string"},
                                    "value": {"type": "string"},
                                },
                                "SourceArn": {
                                    "type": "string",
                                    "min": 20,
                                    "max": 512,
                                    "pattern": "^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$",
                                },
                            },
                        },
                        "GranteeServicePrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 128,
                            "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                        },
                        "RetiringServicePrincipal": {
                            "type": "string",
                            "min": 1,
                            "max": 128,
                            "pattern": "^([A-Za-z0-9\\-]+)\\.([A-Za-z0-9\\-]+)(\\.[A-Za-z0-9\\-]+)+$",
                        },
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "DependencyTimeoutException",
            "InvalidMarkerException",
            "InvalidArnException",
            "NotFoundException",
            "KMSInternalException",
        ],
    },
    "RetireGrant": {
        "doc": "Deletes a grant.",
        "input": {
            "GrantToken": {
                "type": "string",
                "min": 1,
                "max": 8192,
                "doc": "Identifies the grant to be retired.",
            },
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "The key ARN KMS key associated with the grant.",
            },
            "GrantId": {
                "type": "string",
                "min": 1,
                "max": 128,
                "doc": "Identifies the grant to retire.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": [],
        "output": {},
        "errors": [
            "InvalidArnException",
            "InvalidGrantTokenException",
            "InvalidGrantIdException",
            "NotFoundException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "RevokeGrant": {
        "doc": "Deletes the specified grant.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "A unique identifier for the KMS key associated with the grant.",
            },
            "GrantId": {
                "type": "string",
                "min": 1,
                "max": 128,
                "doc": "Identifies the grant to revoke.",
            },
            "DryRun": {"type": "boolean", "doc": "Checks if your request will succeed."},
        },
        "required": ["KeyId", "GrantId"],
        "output": {},
        "errors": [
            "NotFoundException",
            "DependencyTimeoutException",
            "InvalidArnException",
            "InvalidGrantIdException",
            "KMSInternalException",
            "KMSInvalidStateException",
            "DryRunOperationException",
        ],
    },
    "GetKeyPolicy": {
        "doc": "Gets a key policy attached to the specified KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key whose key policy you want to get.",
            },
            "PolicyName": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "[\\w]+",
                "doc": "Specifies the name of the key policy.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "Policy": {
                "type": "string",
                "min": 1,
                "max": 131072,
                "pattern": "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            },
            "PolicyName": {"type": "string", "min": 1, "max": 128, "pattern": "[\\w]+"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "PutKeyPolicy": {
        "doc": "Attaches a key policy to the specified KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Sets the key policy on the specified KMS key.",
            },
            "PolicyName": {
                "type": "string",
                "min": 1,
                "max": 128,
                "pattern": "[\\w]+",
                "doc": "The name of the key policy.",
            },
            "Policy": {
                "type": "string",
                "min": 1,
                "max": 131072,
                "pattern": "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                "doc": "The key policy to attach to the KMS key.",
            },
            "BypassPolicyLockoutSafetyCheck": {
                "type": "boolean",
                "doc": 'Skips ("bypasses") the key policy lockout safety check.',
            },
        },
        "required": ["KeyId", "Policy"],
        "output": {},
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "MalformedPolicyDocumentException",
            "DependencyTimeoutException",
            "UnsupportedOperationException",
            "KMSInternalException",
            "LimitExceededException",
            "KMSInvalidStateException",
        ],
    },
    "ListKeyPolicies": {
        "doc": "Gets the names of the key policies that are attached to a KMS key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Gets the names of key policies for the specified KMS key.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent request after "
                "you receive a response with truncated results.",
            },
        },
        "required": ["KeyId"],
        "output": {
            "PolicyNames": {
                "type": "list",
                "member": {"type": "string", "min": 1, "max": 128, "pattern": "[\\w]+"},
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
            "KMSInvalidStateException",
        ],
    },
    "GetKeyLastUsage": {
        "doc": "Returns usage information about the last successful cryptographic "
        "operation performed with a specified KMS key, including the operation "
        "type, timestamp, and associated CloudTrail event ID.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the KMS key to get usage information for.",
            }
        },
        "required": ["KeyId"],
        "output": {
            "KeyId": {"type": "string", "min": 1, "max": 2048},
            "KeyLastUsage": {
                "type": "structure",
                "required": [],
                "members": {
                    "Operation": {
                        "type": "string",
                        "enum": [
                            "Decrypt",
                            "DeriveSharedSecret",
                            "Encrypt",
                            "GenerateDataKey",
                            "GenerateDataKeyPair",
                            "GenerateDataKeyPairWithoutPlaintext",
                            "GenerateDataKeyWithoutPlaintext",
                            "GenerateMac",
                            "ReEncrypt",
                            "Sign",
                            "Verify",
                            "VerifyMac",
                            "Encapsulate",
                            "Decapsulate",
                        ],
                    },
                    "Timestamp": {"type": "timestamp"},
                    "CloudTrailEventId": {"type": "string"},
                    "KmsRequestId": {"type": "string"},
                },
            },
            "TrackingStartDate": {"type": "timestamp"},
            "KeyCreationDate": {"type": "timestamp"},
        },
        "errors": [
            "NotFoundException",
            "InvalidArnException",
            "DependencyTimeoutException",
            "KMSInternalException",
        ],
    },
    "CreateCustomKeyStore": {
        "doc": "Creates a custom key store backed by a key store that you own and manage.",
        "input": {
            "CustomKeyStoreName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "doc": "Specifies a friendly name for the custom key store.",
            },
            "CloudHsmClusterId": {
                "type": "string",
                "min": 19,
                "max": 24,
                "pattern": "cluster-[2-7a-zA-Z]{11,16}",
                "doc": "Identifies the CloudHSM cluster for an CloudHSM key store.",
            },
            "TrustAnchorCertificate": {
                "type": "string",
                "min": 1,
                "max": 5000,
                "doc": "Specifies the certificate for an CloudHSM key store.",
            },
            "KeyStorePassword": {
                "type": "string",
                "min": 7,
                "max": 32,
                "sensitive": True,
                "doc": "Specifies the kmsuser password for an CloudHSM key store.",
            },
            "CustomKeyStoreType": {
                "type": "string",
                "enum": ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
                "doc": "Specifies the type of custom key store.",
            },
            "XksProxyUriEndpoint": {
                "type": "string",
                "min": 10,
                "max": 128,
                "pattern": "^https://[a-zA-Z0-9.-]+$",
                "doc": "Specifies the endpoint that "
                "KMS uses to send requests to "
                "the external key store proxy "
                "(XKS proxy).",
            },
            "XksProxyUriPath": {
                "type": "string",
                "min": 10,
                "max": 128,
                "pattern": "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
                "doc": "Specifies the base path to the proxy APIs for this external key store.",
            },
            "XksProxyVpcEndpointServiceName": {
                "type": "string",
                "min": 20,
                "max": 64,
                "pattern": "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$",
                "doc": "Specifies the name "
                "of the Amazon VPC "
                "endpoint service "
                "for interface "
                "endpoints that is "
                "used to communicate "
                "with your external "
                "key store proxy "
                "(XKS proxy).",
            },
            "XksProxyVpcEndpointServiceOwner": {
                "type": "string",
                "min": 12,
                "max": 12,
                "pattern": "[0-9]{12}",
                "doc": "Specifies the "
                "Amazon Web "
                "Services account "
                "ID that owns the "
                "Amazon VPC service "
                "endpoint for the "
                "interface that is "
                "used to "
                "communicate with "
                "your external key "
                "store proxy (XKS "
                "proxy).",
            },
            "XksProxyAuthenticationCredential": {
                "type": "structure",
                "required": ["AccessKeyId", "RawSecretAccessKey"],
                "members": {
                    "AccessKeyId": {
                        "type": "string",
                        "min": 20,
                        "max": 30,
                        "pattern": "^[A-Z2-7]+$",
                        "sensitive": True,
                    },
                    "RawSecretAccessKey": {
                        "type": "string",
                        "min": 43,
                        "max": 64,
                        "pattern": "^[a-zA-Z0-9\\/+=]+$",
                        "sensitive": True,
                    },
                },
                "doc": "Specifies an "
                "authentication "
                "credential for "
                "the external key "
                "store proxy (XKS "
                "proxy).",
            },
            "XksProxyConnectivity": {
                "type": "string",
                "enum": ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"],
                "doc": "Indicates how KMS communicates with the external key store proxy.",
            },
        },
        "required": ["CustomKeyStoreName"],
        "output": {"CustomKeyStoreId": {"type": "string", "min": 1, "max": 64}},
        "errors": [
            "CloudHsmClusterInUseException",
            "CustomKeyStoreNameInUseException",
            "CloudHsmClusterNotFoundException",
            "KMSInternalException",
            "CloudHsmClusterNotActiveException",
            "IncorrectTrustAnchorException",
            "CloudHsmClusterInvalidConfigurationException",
            "LimitExceededException",
            "XksProxyUriInUseException",
            "XksProxyUriEndpointInUseException",
            "XksProxyUriUnreachableException",
            "XksProxyIncorrectAuthenticationCredentialException",
            "XksProxyVpcEndpointServiceInUseException",
            "XksProxyVpcEndpointServiceNotFoundException",
            "XksProxyVpcEndpointServiceInvalidConfigurationException",
            "XksProxyInvalidResponseException",
            "XksProxyInvalidConfigurationException",
        ],
    },
    "ConnectCustomKeyStore": {
        "doc": "Connects or reconnects a custom key store to its backing key store.",
        "input": {
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Enter the key store ID of the custom key store that you want to connect.",
            }
        },
        "required": ["CustomKeyStoreId"],
        "output": {},
        "errors": [
            "CloudHsmClusterNotActiveException",
            "CustomKeyStoreInvalidStateException",
            "CustomKeyStoreNotFoundException",
            "KMSInternalException",
            "CloudHsmClusterInvalidConfigurationException",
        ],
    },
    "DeleteCustomKeyStore": {
        "doc": "Deletes a custom key store.",
        "input": {
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Enter the ID of the custom key store you want to delete.",
            }
        },
        "required": ["CustomKeyStoreId"],
        "output": {},
        "errors": [
            "CustomKeyStoreHasCMKsException",
            "CustomKeyStoreInvalidStateException",
            "CustomKeyStoreNotFoundException",
            "KMSInternalException",
        ],
    },
    "DescribeCustomKeyStores": {
        "doc": "Gets information about custom key stores in the account and Region.",
        "input": {
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Gets only information about the specified custom key store.",
            },
            "CustomKeyStoreName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "doc": "Gets only information about the specified custom key store.",
            },
            "Limit": {
                "type": "integer",
                "min": 1,
                "max": 1000,
                "doc": "Use this parameter to specify the maximum number of items to return.",
            },
            "Marker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
                "doc": "Use this parameter in a subsequent "
                "request after you receive a response "
                "with truncated results.",
            },
        },
        "required": [],
        "output": {
            "CustomKeyStores": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": [],
                    "members": {
                        "CustomKeyStoreId": {"type": "string", "min": 1, "max": 64},
                        "CustomKeyStoreName": {"type": "string", "min": 1, "max": 256},
                        "CloudHsmClusterId": {
                            "type": "string",
                            "min": 19,
                            "max": 24,
                            "pattern": "cluster-[2-7a-zA-Z]{11,16}",
                        },
                        "TrustAnchorCertificate": {"type": "string", "min": 1, "max": 5000},
                        "ConnectionState": {
                            "type": "string",
                            "enum": [
                                "CONNECTED",
                                "CONNECTING",
                                "FAILED",
                                "DISCONNECTED",
                                "DISCONNECTING",
                            ],
                        },
                        "ConnectionErrorCode": {
                            "type": "string",
                            "enum": [
                                "INVALID_CREDENTIALS",
                                "CLUSTER_NOT_FOUND",
                                "NETWORK_ERRORS",
                                "INTERNAL_ERROR",
                                "INSUFFICIENT_CLOUDHSM_HSMS",
                                "USER_LOCKED_OUT",
                                "USER_NOT_FOUND",
                                "USER_LOGGED_IN",
                                "SUBNET_NOT_FOUND",
                                "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET",
                                "XKS_PROXY_ACCESS_DENIED",
                                "XKS_PROXY_NOT_REACHABLE",
                                "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
                                "XKS_PROXY_INVALID_RESPONSE",
                                "XKS_PROXY_INVALID_CONFIGURATION",
                                "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
                                "XKS_PROXY_TIMED_OUT",
                                "XKS_PROXY_INVALID_TLS_CONFIGURATION",
                            ],
                        },
                        "CreationDate": {"type": "timestamp"},
                        "CustomKeyStoreType": {
                            "type": "string",
                            "enum": ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
                        },
                        "XksProxyConfiguration": {
                            "type": "structure",
                            "required": [],
                            "members": {
                                "Connectivity": {
                                    "type": "string",
                                    "enum": ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"],
                                },
                                "AccessKeyId": {
                                    "type": "string",
                                    "min": 20,
                                    "max": 30,
                                    "pattern": "^[A-Z2-7]+$",
                                    "sensitive": True,
                                },
                                "UriEndpoint": {
                                    "type": "string",
                                    "min": 10,
                                    "max": 128,
                                    "pattern": "^https://[a-zA-Z0-9.-]+$",
                                },
                                "UriPath": {
                                    "type": "string",
                                    "min": 10,
                                    "max": 128,
                                    "pattern": "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
                                },
                                "VpcEndpointServiceName": {
                                    "type": "string",
                                    "min": 20,
                                    "max": 64,
                                    "pattern": "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$",
                                },
                                "VpcEndpointServiceOwner": {
                                    "type": "string",
                                    "min": 12,
                                    "max": 12,
                                    "pattern": "[0-9]{12}",
                                },
                            },
                        },
                    },
                },
            },
            "NextMarker": {
                "type": "string",
                "min": 1,
                "max": 1024,
                "pattern": "[\\u0020-\\u00FF]*",
            },
            "Truncated": {"type": "boolean"},
        },
        "errors": [
            "CustomKeyStoreNotFoundException",
            "InvalidMarkerException",
            "KMSInternalException",
        ],
    },
    "DisconnectCustomKeyStore": {
        "doc": "Disconnects the custom key store from its backing key store.",
        "input": {
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Enter the ID of the custom key store you want to disconnect.",
            }
        },
        "required": ["CustomKeyStoreId"],
        "output": {},
        "errors": [
            "CustomKeyStoreInvalidStateException",
            "CustomKeyStoreNotFoundException",
            "KMSInternalException",
        ],
    },
    "UpdateCustomKeyStore": {
        "doc": "Changes the properties of a custom key store.",
        "input": {
            "CustomKeyStoreId": {
                "type": "string",
                "min": 1,
                "max": 64,
                "doc": "Identifies the custom key store that you want to update.",
            },
            "NewCustomKeyStoreName": {
                "type": "string",
                "min": 1,
                "max": 256,
                "doc": "Changes the friendly name of "
                "the custom key store to the "
                "value that you specify.",
            },
            "KeyStorePassword": {
                "type": "string",
                "min": 7,
                "max": 32,
                "sensitive": True,
                "doc": "Enter the current password of the "
                "kmsuser crypto user (CU) in the "
                "CloudHSM cluster that is "
                "associated with the custom key "
                "store.",
            },
            "CloudHsmClusterId": {
                "type": "string",
                "min": 19,
                "max": 24,
                "pattern": "cluster-[2-7a-zA-Z]{11,16}",
                "doc": "Associates the custom key store with a related CloudHSM cluster.",
            },
            "XksProxyUriEndpoint": {
                "type": "string",
                "min": 10,
                "max": 128,
                "pattern": "^https://[a-zA-Z0-9.-]+$",
                "doc": "Changes the URI endpoint that "
                "KMS uses to connect to your "
                "external key store proxy (XKS "
                "proxy).",
            },
            "XksProxyUriPath": {
                "type": "string",
                "min": 10,
                "max": 128,
                "pattern": "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
                "doc": "Changes the base path to the proxy APIs for this external key store.",
            },
            "XksProxyVpcEndpointServiceName": {
                "type": "string",
                "min": 20,
                "max": 64,
                "pattern": "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$",
                "doc": "Changes the name "
                "that KMS uses to "
                "identify the Amazon "
                "VPC endpoint "
                "service for your "
                "external key store "
                "proxy (XKS proxy).",
            },
            "XksProxyVpcEndpointServiceOwner": {
                "type": "string",
                "min": 12,
                "max": 12,
                "pattern": "[0-9]{12}",
                "doc": "Changes the Amazon "
                "Web Services "
                "account ID that "
                "KMS uses to "
                "identify the "
                "Amazon VPC "
                "endpoint service "
                "for your external "
                "key store proxy "
                "(XKS proxy).",
            },
            "XksProxyAuthenticationCredential": {
                "type": "structure",
                "required": ["AccessKeyId", "RawSecretAccessKey"],
                "members": {
                    "AccessKeyId": {
                        "type": "string",
                        "min": 20,
                        "max": 30,
                        "pattern": "^[A-Z2-7]+$",
                        "sensitive": True,
                    },
                    "RawSecretAccessKey": {
                        "type": "string",
                        "min": 43,
                        "max": 64,
                        "pattern": "^[a-zA-Z0-9\\/+=]+$",
                        "sensitive": True,
                    },
                },
                "doc": "Changes the "
                "credentials that "
                "KMS uses to sign "
                "requests to the "
                "external key "
                "store proxy (XKS "
                "proxy).",
            },
            "XksProxyConnectivity": {
                "type": "string",
                "enum": ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"],
                "doc": "Changes the connectivity setting for the external key store.",
            },
        },
        "required": ["CustomKeyStoreId"],
        "output": {},
        "errors": [
            "CustomKeyStoreNotFoundException",
            "CustomKeyStoreNameInUseException",
            "CloudHsmClusterNotFoundException",
            "CloudHsmClusterNotRelatedException",
            "CustomKeyStoreInvalidStateException",
            "KMSInternalException",
            "CloudHsmClusterNotActiveException",
            "CloudHsmClusterInvalidConfigurationException",
            "XksProxyUriInUseException",
            "XksProxyUriEndpointInUseException",
            "XksProxyUriUnreachableException",
            "XksProxyIncorrectAuthenticationCredentialException",
            "XksProxyVpcEndpointServiceInUseException",
            "XksProxyVpcEndpointServiceNotFoundException",
            "XksProxyVpcEndpointServiceInvalidConfigurationException",
            "XksProxyInvalidResponseException",
            "XksProxyInvalidConfigurationException",
        ],
    },
    "ReplicateKey": {
        "doc": "Replicates a multi-Region key into the specified Region.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the multi-Region primary key that is being replicated.",
            },
            "ReplicaRegion": {
                "type": "string",
                "min": 1,
                "max": 32,
                "pattern": "^([a-z]+-){2,3}\\d+$",
                "doc": "The Region ID of the Amazon Web Services Region for this replica key.",
            },
            "Policy": {
                "type": "string",
                "min": 1,
                "max": 131072,
                "pattern": "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
                "doc": "The key policy to attach to the KMS key.",
            },
            "BypassPolicyLockoutSafetyCheck": {
                "type": "boolean",
                "doc": 'Skips ("bypasses") the key policy lockout safety check.',
            },
            "Description": {
                "type": "string",
                "min": 0,
                "max": 8192,
                "doc": "A description of the KMS key.",
            },
            "Tags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
                "doc": "Assigns one or more tags to the replica key.",
            },
        },
        "required": ["KeyId", "ReplicaRegion"],
        "output": {
            "ReplicaKeyMetadata": {
                "type": "structure",
                "required": ["KeyId"],
                "members": {
                    "AWSAccountId": {"type": "string"},
                    "KeyId": {"type": "string", "min": 1, "max": 2048},
                    "Arn": {"type": "string", "min": 20, "max": 2048},
                    "CreationDate": {"type": "timestamp"},
                    "Enabled": {"type": "boolean"},
                    "Description": {"type": "string", "min": 0, "max": 8192},
                    "KeyUsage": {
                        "type": "string",
                        "enum": [
                            "SIGN_VERIFY",
                            "ENCRYPT_DECRYPT",
                            "GENERATE_VERIFY_MAC",
                            "KEY_AGREEMENT",
                            "ENCAPSULATE_DECAPSULATE",
                        ],
                    },
                    "KeyState": {
                        "type": "string",
                        "enum": [
                            "Creating",
                            "Enabled",
                            "Disabled",
                            "PendingDeletion",
                            "PendingImport",
                            "PendingReplicaDeletion",
                            "Unavailable",
                            "Updating",
                        ],
                    },
                    "DeletionDate": {"type": "timestamp"},
                    "ValidTo": {"type": "timestamp"},
                    "Origin": {
                        "type": "string",
                        "enum": ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
                    },
                    "CustomKeyStoreId": {"type": "string", "min": 1, "max": 64},
                    "CloudHsmClusterId": {
                        "type": "string",
                        "min": 19,
                        "max": 24,
                        "pattern": "cluster-[2-7a-zA-Z]{11,16}",
                    },
                    "ExpirationModel": {
                        "type": "string",
                        "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
                    },
                    "KeyManager": {"type": "string", "enum": ["AWS", "CUSTOMER"]},
                    "CustomerMasterKeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                        ],
                    },
                    "KeySpec": {
                        "type": "string",
                        "enum": [
                            "RSA_2048",
                            "RSA_3072",
                            "RSA_4096",
                            "ECC_NIST_P256",
                            "ECC_NIST_P384",
                            "ECC_NIST_P521",
                            "ECC_SECG_P256K1",
                            "SYMMETRIC_DEFAULT",
                            "HMAC_224",
                            "HMAC_256",
                            "HMAC_384",
                            "HMAC_512",
                            "SM2",
                            "ML_DSA_44",
                            "ML_DSA_65",
                            "ML_DSA_87",
                            "ECC_NIST_EDWARDS25519",
                            "ML_KEM_512",
                            "ML_KEM_768",
                            "ML_KEM_1024",
                        ],
                    },
                    "EncryptionAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "SYMMETRIC_DEFAULT",
                                "RSAES_OAEP_SHA_1",
                                "RSAES_OAEP_SHA_256",
                                "SM2PKE",
                            ],
                        },
                    },
                    "SigningAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "RSASSA_PSS_SHA_256",
                                "RSASSA_PSS_SHA_384",
                                "RSASSA_PSS_SHA_512",
                                "RSASSA_PKCS1_V1_5_SHA_256",
                                "RSASSA_PKCS1_V1_5_SHA_384",
                                "RSASSA_PKCS1_V1_5_SHA_512",
                                "ECDSA_SHA_256",
                                "ECDSA_SHA_384",
                                "ECDSA_SHA_512",
                                "SM2DSA",
                                "ML_DSA_SHAKE_256",
                                "ED25519_SHA_512",
                                "ED25519_PH_SHA_512",
                            ],
                        },
                    },
                    "KeyAgreementAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ECDH"]},
                    },
                    "EncapsulationAlgorithms": {
                        "type": "list",
                        "member": {"type": "string", "enum": ["ML_KEM"]},
                    },
                    "MultiRegion": {"type": "boolean"},
                    "MultiRegionConfiguration": {
                        "type": "structure",
                        "required": [],
                        "members": {
                            "MultiRegionKeyType": {
                                "type": "string",
                                "enum": ["PRIMARY", "REPLICA"],
                            },
                            "PrimaryKey": {
                                "type": "structure",
                                "required": [],
                                "members": {
                                    "Arn": {"type": "string", "min": 20, "max": 2048},
                                    "Region": {
                                        "type": "string",
                                        "min": 1,
                                        "max": 32,
                                        "pattern": "^([a-z]+-){2,3}\\d+$",
                                    },
                                },
                            },
                            "ReplicaKeys": {
                                "type": "list",
                                "member": {
                                    "type": "structure",
                                    "required": [],
                                    "members": {
                                        "Arn": {"type": "string", "min": 20, "max": 2048},
                                        "Region": {
                                            "type": "string",
                                            "min": 1,
                                            "max": 32,
                                            "pattern": "^([a-z]+-){2,3}\\d+$",
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "PendingDeletionWindowInDays": {"type": "integer", "min": 1, "max": 365},
                    "MacAlgorithms": {
                        "type": "list",
                        "member": {
                            "type": "string",
                            "enum": [
                                "HMAC_SHA_224",
                                "HMAC_SHA_256",
                                "HMAC_SHA_384",
                                "HMAC_SHA_512",
                            ],
                        },
                    },
                    "XksKeyConfiguration": {
                        "type": "structure",
                        "required": [],
                        "members": {
                            "Id": {
                                "type": "string",
                                "min": 1,
                                "max": 128,
                                "pattern": "^[a-zA-Z0-9-_.]+$",
                            }
                        },
                    },
                    "CurrentKeyMaterialId": {
                        "type": "string",
                        "min": 64,
                        "max": 64,
                        "pattern": "^[a-f0-9]+$",
                    },
                },
            },
            "ReplicaPolicy": {
                "type": "string",
                "min": 1,
                "max": 131072,
                "pattern": "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
            },
            "ReplicaTags": {
                "type": "list",
                "member": {
                    "type": "structure",
                    "required": ["TagKey", "TagValue"],
                    "members": {
                        "TagKey": {"type": "string", "min": 1, "max": 128},
                        "TagValue": {"type": "string", "min": 0, "max": 256},
                    },
                },
            },
        },
        "errors": [
            "AlreadyExistsException",
            "DisabledException",
            "InvalidArnException",
            "KMSInvalidStateException",
            "KMSInternalException",
            "LimitExceededException",
            "MalformedPolicyDocumentException",
            "NotFoundException",
            "TagException",
            "UnsupportedOperationException",
        ],
    },
    "UpdatePrimaryRegion": {
        "doc": "Changes the primary key of a multi-Region key.",
        "input": {
            "KeyId": {
                "type": "string",
                "min": 1,
                "max": 2048,
                "doc": "Identifies the current primary key.",
            },
            "PrimaryRegion": {
                "type": "string",
                "min": 1,
                "max": 32,
                "pattern": "^([a-z]+-){2,3}\\d+$",
                "doc": "The Amazon Web Services Region of the new primary key.",
            },
        },
        "required": ["KeyId", "PrimaryRegion"],
        "output": {},
        "errors": [
            "DisabledException",
            "InvalidArnException",
            "KMSInvalidStateException",
            "KMSInternalException",
            "NotFoundException",
            "UnsupportedOperationException",
        ],
    },
}
